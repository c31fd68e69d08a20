"""Aggregate reports for officers, managers and admins: never a name, phone or other personal field."""
