"""The read API for M&E and partner systems (``/api/v1/``): the top floor, reading every app's selectors; nothing imports it."""
