"""Production settings refuse to start without their secrets."""
import os
import subprocess
import sys

import pytest


def run_check(env):
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}}
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
