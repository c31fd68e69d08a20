"""Point Telegram and Viber at this server: ``manage.py set_webhooks --base-url https://helpdesk.example.org``."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from bots.channels import SendError, telegram, viber


class Command(BaseCommand):
    help = "Register the Telegram and Viber webhooks (Twilio's are set in its console: the URLs are printed)."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", required=True, help="Public HTTPS address of this server, e.g. https://helpdesk.example.org")
        parser.add_argument("--channel", choices=["telegram", "viber", "all"], default="all")

    def handle(self, *args, base_url: str, channel: str, **options):
        base_url = base_url.rstrip("/")
        if not base_url.startswith("https://") and not settings.DEBUG:
            raise CommandError("Telegram and Viber only call HTTPS webhooks: --base-url must start with https://")
        failed = False
        if channel in ("telegram", "all"):
            failed |= self._set("Telegram", telegram.set_webhook, base_url + reverse("bots:telegram"), settings.TELEGRAM_BOT_TOKEN and settings.TELEGRAM_WEBHOOK_SECRET)
        if channel in ("viber", "all"):
            failed |= self._set("Viber", viber.set_webhook, base_url + reverse("bots:viber"), settings.VIBER_AUTH_TOKEN)
        self.stdout.write("Twilio (set in the console, phone number > Configure, HTTP POST):")
        self.stdout.write(f"  A message comes in: {base_url}{reverse('bots:twilio_sms')}")
        self.stdout.write(f"  A call comes in:    {base_url}{reverse('bots:twilio_voice')}")
        if failed:
            raise CommandError("Some webhooks were not set (see above).")

    def _set(self, name: str, set_webhook, url: str, configured) -> bool:
        if not configured:
            self.stderr.write(f"{name}: skipped, its token/secret settings are not set.")
            return False
        try:
            set_webhook(url)
        except SendError as exc:
            self.stderr.write(f"{name}: failed: {exc}")
            return True
        self.stdout.write(self.style.SUCCESS(f"{name}: webhook set to {url}"))
        return False
