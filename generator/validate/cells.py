"""A table row whose every cell parsed, and problems located at one of its cells."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from generator.errors import Problem, error, warning
from generator.read import RawRow, RawTable

T = TypeVar("T")


@dataclass(frozen=True)
class Cells:
    """A row whose every cell parsed: by column key, what its column's parser returned; blank
    cells are "" in text columns, None in the others (and never in a required column)."""

    values: dict[str, object]

    def get(self, key: str, kind: type[T]) -> T:
        value = self.values[key]
        if not isinstance(value, kind):  # pragma: no cover - the contract's parsers return these types
            raise TypeError(f"{key}: {kind.__name__} expected, {value!r} found")
        return value

    def optional(self, key: str, kind: type[T]) -> T | None:
        return None if self.values.get(key) is None else self.get(key, kind)


def row_problem(table: RawTable, row: RawRow, key: str, message: str) -> Problem:
    return error(table.rel_path, message, row=row.number, column=table.headers.get(key, key))


def row_warning(table: RawTable, row: RawRow, key: str, message: str) -> Problem:
    return warning(table.rel_path, message, row=row.number, column=table.headers.get(key, key))
