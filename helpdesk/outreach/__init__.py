"""Offline outreach entry (issue 16.1): a phone page that works without network and a sync endpoint.

Entries made on the phone carry a UUID made there; the server applies each one once, through the same
services as the forms (consent, erased people, access, rollups, history), and keeps the answer so a
replay gets the same one. A new person who may already be registered waits on the review list.
"""
