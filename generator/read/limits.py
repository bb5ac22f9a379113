"""How much the readers read: far more than an export ever holds is a wrong file, and stops early."""

MAX_FILE_BYTES = 32 * 1024 * 1024  # a month's export is about 1 MB; far larger is a wrong file
MAX_YAML_BYTES = 2 * 1024 * 1024  # one bulletin is a few kB; a parsed YAML node costs ~100× its text
MAX_YAML_DEPTH = 12
# An xlsx is a zip: its members are checked before openpyxl inflates them, so a small file
# cannot unpack into gigabytes (a "zip bomb").
MAX_XLSX_UNPACKED_BYTES = 128 * 1024 * 1024
MAX_XLSX_MEMBERS = 1000
# A month lists about a thousand projects; far more rows or columns are a wrong file, and
# stopping early keeps memory bounded whatever the file holds.
MAX_ROWS = 100_000
MAX_COLUMNS = 256
MAX_CSV_CELL_CHARS = 1_000_000
