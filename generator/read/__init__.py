"""Read a data root: its release folders, their CSV/xlsx tables and YAML files, as raw rows.

Readers only turn bytes into rows and YAML trees that remember where each value
came from; they judge no value. Anything unreadable becomes a file-level problem,
never an exception: a staff member must see which file is wrong and why.
"""

from generator.read.data_root import read_data_root
from generator.read.raw import Located, RawDataRoot, RawRelease, RawRow, RawTable, RawYaml

__all__ = ["Located", "RawDataRoot", "RawRelease", "RawRow", "RawTable", "RawYaml", "read_data_root"]
