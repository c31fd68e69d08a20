"""System checks name the missing bot setting by id."""
from bots.checks import check_bot_settings


def ids(problems):
    return {p.id for p in problems}


def test_all_set_means_no_warning(settings):
    assert check_bot_settings(None) == []


def test_production_reports_every_missing_setting(settings):
    settings.DEBUG = False
    settings.TELEGRAM_BOT_TOKEN = settings.VIBER_AUTH_TOKEN = settings.BOT_DEFAULT_CENTRE = ""
    assert ids(check_bot_settings(None)) == {"bots.W001", "bots.W003", "bots.W007"}


def test_development_is_quiet_about_channels_nobody_configured(settings):
    settings.DEBUG = True
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "VIBER_AUTH_TOKEN", "TWILIO_AUTH_TOKEN",
                 "TWILIO_ACCOUNT_SID", "TWILIO_FROM_NUMBER", "BOT_DEFAULT_CENTRE",
                 "MESSENGER_APP_SECRET", "MESSENGER_VERIFY_TOKEN", "MESSENGER_PAGE_ACCESS_TOKEN"):
        setattr(settings, name, "")
    assert check_bot_settings(None) == []
    settings.TELEGRAM_BOT_TOKEN = "123:abc"  # started configuring Telegram
    assert ids(check_bot_settings(None)) == {"bots.W002", "bots.W007"}


def test_telegram_secret_with_characters_telegram_rejects(settings):
    settings.TELEGRAM_WEBHOOK_SECRET = "has spaces!"
    assert "bots.E001" in ids(check_bot_settings(None))


def test_messenger_settings_are_named_by_id(settings):
    settings.DEBUG = True
    settings.MESSENGER_VERIFY_TOKEN = settings.MESSENGER_PAGE_ACCESS_TOKEN = ""
    assert ids(check_bot_settings(None)) == {"bots.W009", "bots.W010"}  # started configuring: the app secret is set
    settings.DEBUG = False
    settings.MESSENGER_APP_SECRET = ""
    assert {"bots.W008", "bots.W009", "bots.W010"} <= ids(check_bot_settings(None))


def test_messenger_api_base_without_a_version_is_reported(settings):
    settings.MESSENGER_API_BASE = "https://graph.facebook.com"
    assert ids(check_bot_settings(None)) == {"bots.W011"}
