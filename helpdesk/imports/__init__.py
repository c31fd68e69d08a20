"""Legacy imports: years of monitoring spreadsheets turned into contacts, activities and people."""
from helpdesk.imports.contacts import import_contacts
from helpdesk.imports.reading import COLUMNS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS, FileError
from helpdesk.imports.result import ImportResult

__all__ = ["COLUMNS", "OPTIONAL_COLUMNS", "REQUIRED_COLUMNS", "FileError", "ImportResult", "import_contacts"]
