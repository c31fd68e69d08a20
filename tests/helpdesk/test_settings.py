"""Production settings refuse to start without their secrets."""
import os
import subprocess
import sys

import pytest


def run_check(env):
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check"], env=base | env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "env,missing",
    [({}, "SECRET_KEY"), ({"SECRET_KEY": "x" * 60}, "DATABASE_URL")],
)
def test_production_refuses_to_start_without_required_settings(env, missing):
    result = run_check(env)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_development_starts_with_defaults():
    assert run_check({"DEBUG": "1"}).returncode == 0


def redis_is_up() -> bool:
    import socket

    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.mark.skipif(not redis_is_up(), reason="no Redis on 127.0.0.1:6379")
def test_redis_url_gives_a_cache_shared_between_processes():

    env = {"DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6379/0"}
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    code = "from django.core.cache import cache; cache.set('mch-test', 'shared', 30); print(cache.get('mch-test'))"
    writer = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
                            env=base | env, capture_output=True, text=True, timeout=120)
    assert writer.stdout.strip() == "shared", writer.stderr
    reader = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", "from django.core.cache import cache; print(cache.get('mch-test'))"],
                            env=base | env, capture_output=True, text=True, timeout=120)
    assert reader.stdout.strip() == "shared", reader.stderr


def test_check_deploy_is_clean_with_the_readme_production_settings(tmp_path):
    """README "Production": these variables (plus REDIS_URL and the bots' secrets) give 0 warnings."""
    env = {
        "DEBUG": "0", "SECRET_KEY": "k3Y-" + "abcdefghij0123456789" * 3, "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        "ALLOWED_HOSTS": "helpdesk.example.org", "REDIS_URL": "redis://127.0.0.1:6379/0",
        "TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_WEBHOOK_SECRET": "x", "VIBER_AUTH_TOKEN": "x", "TWILIO_AUTH_TOKEN": "x",
        "TWILIO_ACCOUNT_SID": "ACx", "TWILIO_FROM_NUMBER": "+15005550006", "BOT_DEFAULT_CENTRE": "NDG",
        "MESSENGER_APP_SECRET": "x", "MESSENGER_VERIFY_TOKEN": "x", "MESSENGER_PAGE_ACCESS_TOKEN": "x",
    }
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            env=base | env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_without_the_bots_configured_only_the_bots_warn(tmp_path):
    """The security checks (security.W0xx) never fire; what remains are the deployment's own choices."""
    env = {"DEBUG": "0", "SECRET_KEY": "k3Y-" + "abcdefghij0123456789" * 3, "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
           "ALLOWED_HOSTS": "helpdesk.example.org"}
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL"}}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy"],
                            env=base | env, capture_output=True, text=True, timeout=120)
    assert "security." not in result.stdout + result.stderr
