"""Logging filters: keep the error log for errors."""
import logging

EXPECTED_STATUS = {403, 404}


class ExpectedClientErrors(logging.Filter):
    """Turn Django's "Not Found" / "Forbidden" records into one INFO line without a traceback.

    A 404 for a record of another centre or a 403 for an officer is the access rule working,
    not a fault; a full traceback per request would bury real errors.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in EXPECTED_STATUS:
            record.exc_info = None
            record.exc_text = None
            record.levelno = logging.INFO
            record.levelname = logging.getLevelName(logging.INFO)
        return True
