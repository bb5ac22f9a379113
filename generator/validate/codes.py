"""The rows of qrcodes: each code belongs to exactly one project or one window, and never moves.

A code printed on a construction-site sign names its project; one at a service
window names its window (format 1.1). Once published, a code belongs to that
project or window for ever: a printed sign cannot be recalled.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.errors import Problem, quote
from generator.model.records import QrCode, WindowCode
from generator.read import RawRow, RawTable
from generator.validate.cells import Cells, row_problem


@dataclass(frozen=True)
class PublishedCode:
    """What the register knows of a code: whose it is and since when."""

    code_id: str
    project_id: str  # "" for a window's code
    first_release: str
    window_id: str = ""  # "" for a project's code

    @property
    def owner(self) -> str:
        """Whose the code is, as a message names it: `项目“BT-0001”` or `窗口“CK-0001”`."""
        return f"窗口{quote(self.window_id)}" if self.window_id else f"项目{quote(self.project_id)}"

    @property
    def owner_key(self) -> tuple[str, str]:
        return ("window", self.window_id.casefold()) if self.window_id else ("project", self.project_id.casefold())


@dataclass(frozen=True)
class Referable:
    """The ids a code row may name; None where the file that lists them could not be read."""

    projects: set[str] | None
    windows: set[str] | None


def check_codes(
    table: RawTable,
    rows: list[tuple[RawRow, Cells]],
    referable: Referable,
    owners: dict[str, PublishedCode],
    release_id: str,
    problems: list[Problem],
) -> tuple[list[QrCode], list[WindowCode]]:
    """The release's project codes and window codes; `owners` (code key → first publication) grows."""
    codes: list[QrCode] = []
    window_codes: list[WindowCode] = []
    seen: dict[str, int] = {}
    for row, cells in rows:
        code_id, label = cells.get("code_id", str), cells.get("label", str)
        project_id = cells.optional("project_id", str) or ""
        window_id = cells.optional("window_id", str) or ""
        earlier = seen.setdefault(code_id.casefold(), row.number)
        if earlier != row.number:
            message = f"二维码编号{quote(code_id)}与第 {earlier} 行重复（编号不区分大小写）"
            problems.append(row_problem(table, row, "code_id", message))
            continue
        claim = PublishedCode(code_id, project_id, release_id, window_id)
        problem = _owner_problem(table, row, claim, referable) or _moved_problem(table, row, claim, owners)
        if problem is not None:
            problems.append(problem)
            continue
        owners.setdefault(code_id.casefold(), claim)
        if window_id:
            window_codes.append(WindowCode(code_id, window_id, label))
        else:
            codes.append(QrCode(code_id, project_id, label))
    return codes, window_codes


def _owner_problem(table: RawTable, row: RawRow, claim: PublishedCode, referable: Referable) -> Problem | None:
    """Exactly one of project and window, and one that exists."""
    if claim.project_id and claim.window_id:
        message = (
            f"项目编号{quote(claim.project_id)}和窗口编号{quote(claim.window_id)}只能填一个："
            "工地标识牌上的二维码填项目编号，服务窗口的二维码填窗口编号"
        )
        return row_problem(table, row, "window_id", message)
    if not claim.project_id and not claim.window_id:
        key = "project_id" if "project_id" in table.headers else "window_id"
        message = "必填：项目编号和窗口编号须填一个（工地标识牌上的二维码填项目编号，服务窗口的二维码填窗口编号）"
        return row_problem(table, row, key, message)
    if claim.window_id:
        known, key, what, value = referable.windows, "window_id", "窗口编号", claim.window_id
    else:
        known, key, what, value = referable.projects, "project_id", "项目编号", claim.project_id
    if known is not None and value.casefold() not in known:
        return row_problem(table, row, key, f"{what}{quote(value)}在本次及以前的发布中都不存在")
    return None


def _moved_problem(
    table: RawTable, row: RawRow, claim: PublishedCode, owners: dict[str, PublishedCode]
) -> Problem | None:
    published = owners.get(claim.code_id.casefold())
    if published is None or published.owner_key == claim.owner_key:
        return None
    kind = "窗口" if claim.window_id else "项目"
    return row_problem(
        table,
        row,
        "window_id" if claim.window_id else "project_id",
        f"二维码{quote(claim.code_id)}已于 {published.first_release} 发布，属于{published.owner}，"
        f"不能改属{claim.owner}：已印制的标识会指向错误的{'项目' if not published.window_id else '窗口'}。"
        f"请为新{kind}申请新的二维码编号",
    )
