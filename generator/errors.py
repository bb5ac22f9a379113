"""Problems found in an export, in the contract's message format, and the few exceptions."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One line on standard error: `<file>:<row>:<column>: <message>`.

    `row` is the spreadsheet row or CSV line on which the record starts (the
    header is 1), or for YAML the path with its line, e.g. `cases[0].text（第12行）`.
    File-level problems leave row and column empty.
    """

    file: str
    row: str
    column: str
    message: str
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        text = self.message if self.is_error else f"警告：{self.message}"
        place = self.file
        if self.row:
            place += f":{self.row}"
        if self.column:
            place += f":{self.column}"
        return _visible(f"{place}: {text}")

    def as_dict(self) -> dict[str, str]:
        """The problem's parts, each a string that any UTF-8 output can carry (JSON, a log)."""
        return {
            "file": _encodable(self.file),
            "row": _encodable(self.row),
            "column": _encodable(self.column),
            "severity": self.severity.value,
            "message": _encodable(self.message),
        }


def error(file: str, message: str, row: object = "", column: str = "") -> Problem:
    return Problem(file, str(row) if row != "" else "", column, message, Severity.ERROR)


def warning(file: str, message: str, row: object = "", column: str = "") -> Problem:
    return Problem(file, str(row) if row != "" else "", column, message, Severity.WARNING)


def quote(found: object) -> str:
    """Show a found value the way a message quotes it, cut so a huge cell stays one line."""
    text = str(found)
    if len(text) > 60:
        text = text[:57] + "…"
    # Controls, direction marks and other invisible format characters are shown by their code:
    # the terminal neither obeys them nor reorders the line, and the reader sees they are there.
    shown = "".join(
        f"<U+{ord(char):04X}>" if unicodedata.category(char) in _SHOWN_BY_CODE else char
        for char in text.replace("\n", "⏎")
    )
    return "“" + shown + "”"


def expected_found(expected: str, found: object) -> str:
    return f"应为{expected}，实际为{quote(found)}"


class PortalError(Exception):
    """Base of the errors the CLI turns into a message and an exit code."""


class ExportInvalid(PortalError):
    """The export breaks the contract; `problems` says where and how."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__(f"{sum(p.is_error for p in problems)} 个错误")
        self.problems = problems

    def __reduce__(self) -> tuple[type[ExportInvalid], tuple[tuple[Problem, ...]]]:
        return (ExportInvalid, (self.problems,))  # found in the build's child process, raised in its parent


class BuildFailed(PortalError):
    """The site could not be built from a valid export (mkdocs, disk, lock)."""


class UsageRefused(PortalError):
    """A command line that would harm something (an --out that is not ours): exit 2, nothing touched."""


class SettingsInvalid(PortalError):
    """The site folder's mkdocs.yml cannot be used; the message names the key."""


class PartlyPublished(PortalError):
    """The new site is live, but a step after the swap did not finish; the message says which."""


# Control characters from a cell or a header are shown by their code: an escape sequence in
# an export must not drive the terminal that prints the message, nor split it into two lines.
# A lone surrogate (a file name that is not UTF-8, a YAML "\ud800") has no UTF-8 form at all:
# printed as it is, it would stop the output half-way.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SHOWN_BY_CODE = frozenset({"Cc", "Cf", "Zl", "Zp"})


def _visible(line: str) -> str:
    return _CONTROL.sub(lambda m: "⏎" if m.group() == "\n" else f"<U+{ord(m.group()):04X}>", line)


def _encodable(text: str) -> str:
    return _SURROGATE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)
