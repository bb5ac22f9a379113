"""The export contract in code: its tables, columns and value types (docs/export-format.md)."""
