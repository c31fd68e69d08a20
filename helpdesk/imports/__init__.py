"""Legacy imports: years of monitoring spreadsheets turned into contacts, activities and people."""
from helpdesk.imports.contacts import ImportResult, import_contacts
from helpdesk.imports.reading import COLUMNS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS, FileError

__all__ = ["COLUMNS", "OPTIONAL_COLUMNS", "REQUIRED_COLUMNS", "FileError", "ImportResult", "import_contacts"]
