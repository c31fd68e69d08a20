"""Remove a user's second factor from the command line (the last admin lost their phone and recovery codes)."""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from helpdesk.accounts.services import second_factor_reset


class Command(BaseCommand):
    help = "Remove USERNAME's authenticator app and recovery codes; a manager or admin sets them up at the next login."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        removed = second_factor_reset(user=user)
        self.stdout.write(f"Removed {removed} second-factor device(s) of {username}.")
