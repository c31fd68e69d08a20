"""Accounts: passwords, login throttling (django-axes), second factor (django-otp), session limits."""
