"""What the readers hand to validation: raw rows and YAML trees that remember where each value came from."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.errors import Problem


@dataclass(frozen=True)
class RawRow:
    number: int  # the row a person sees in a spreadsheet, or the CSV line the record starts on
    cells: dict[str, object]  # column key → cell as found


@dataclass(frozen=True)
class RawTable:
    rel_path: str
    encoding: str
    headers: dict[str, str]  # column key → header as written in the file
    rows: tuple[RawRow, ...]


@dataclass(frozen=True)
class Located:
    """A YAML value with the line (1-based) it stands on.

    Scalars stay the text that was written: YAML's own typing would turn
    `2021-11-15` into a date and `0012` into a number before we could judge it.
    """

    value: str | dict[str, Located] | list[Located] | None
    line: int


@dataclass(frozen=True)
class RawYaml:
    rel_path: str
    root: Located


@dataclass
class RawRelease:
    name: str  # YYYY-MM
    release_yaml: RawYaml | None = None
    tables: dict[str, RawTable] = field(default_factory=dict)
    # Tables the release has but that could not be read (a problem says why): references to
    # their records cannot be judged.
    unreadable: set[str] = field(default_factory=set)
    bulletins: list[RawYaml] = field(default_factory=list)


@dataclass
class RawDataRoot:
    releases: list[RawRelease]
    problems: list[Problem]
    # Every file the readers read: its path relative to the data root → the sha256 of exactly
    # the bytes they parsed. The page cache is keyed on this, so what is published is what was read.
    sources: dict[str, str] = field(default_factory=dict)
