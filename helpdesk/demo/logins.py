"""The demo logins' published password: refused as a real password outside DEBUG."""
DEMO_PASSWORD = "mc-demo-2026"  # noqa: S105 (published on purpose, README)
