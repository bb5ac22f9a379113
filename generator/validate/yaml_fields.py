"""The fields of one YAML document of an export (release.yaml, a bulletin), each problem with its path and line."""

from __future__ import annotations

from typing import Callable, TypeVar

from generator.contract import fields
from generator.validate.privacy import find_possible_old_id_number, find_private_number
from generator.errors import Problem, error, expected_found, warning
from generator.read import Located
from generator.read import RawYaml

PRIVATE_NUMBER = "含有{kind}，个人号码不得公开，请删除后重新导出"
LOOKALIKE = "写法不规范：{found}含有不可见字符、全角字母数字、部首字形或分解形式，按规范写法{key}归类，请在平台上改正"
T = TypeVar("T")

POSSIBLE_OLD_ID = "含有疑似 15 位旧身份证号码（第 7–12 位是有效的出生日期），请核实：个人号码不得公开"


class YamlFields:
    """Reads the fields of one YAML document, reporting each problem with its path and line."""

    def __init__(self, document: RawYaml, problems: list[Problem]) -> None:
        self.document = document
        self.problems = problems
        self.errors = 0

    def problem(self, node: Located, key: str, message: str, path: str | None = None) -> None:
        where = f"{path if path is not None else key}（第{node.line}行）"
        self.problems.append(error(self.document.rel_path, message, row=where, column=key))
        self.errors += 1

    def warn(self, node: Located, key: str, message: str, path: str) -> None:
        where = f"{path}（第{node.line}行）"
        self.problems.append(warning(self.document.rel_path, message, row=where, column=key))

    def mapping(self, node: Located, path: str) -> dict[str, Located] | None:
        if not isinstance(node.value, dict):
            where = f"{path or '文件'}（第{node.line}行）"
            self.problems.append(error(self.document.rel_path, "应为“键: 值”形式的映射", row=where))
            self.errors += 1
            return None
        return node.value

    def warn_unknown(self, mapping: dict[str, Located], known: set[str], path: str) -> None:
        for key, node in mapping.items():
            if key not in known:
                where = f"{join_path(path, key)}（第{node.line}行）"
                self.problems.append(warning(self.document.rel_path, "未知的键，不会发布", row=where, column=key))

    def field(
        self,
        mapping: dict[str, Located],
        path: str,
        key: str,
        parse: Callable[[str], T],
        required: bool = False,
    ) -> T | None:
        """The parsed value, or None when empty or refused; every text that can reach the site is checked."""
        node = mapping.get(key)
        full_path = join_path(path, key)
        if node is None or node.value is None or (isinstance(node.value, str) and fields.is_blank(node.value)):
            if required:
                line_node = node or Located(None, first_line(mapping))
                if node is not None and isinstance(node.value, str):
                    message = fields.blank_message(node.value)
                else:
                    message = "必填，不能为空"
                self.problem(line_node, key, message, path=full_path)
            return None
        if not isinstance(node.value, str):
            self.problem(node, key, "应为一段文字，不能是列表或映射", path=full_path)
            return None
        try:
            value = parse(node.value)
        except fields.FieldError as exc:
            self.problem(node, key, expected_found(exc.expected, exc.found), path=full_path)
            return None
        if isinstance(value, str):
            if kind := find_private_number(value):
                self.problem(node, key, PRIVATE_NUMBER.format(kind=kind), path=full_path)
                return None
            if find_possible_old_id_number(value):
                self.warn(node, key, POSSIBLE_OLD_ID, full_path)
        return value

    def text(
        self,
        mapping: dict[str, Located],
        path: str,
        key: str,
        required: bool = False,
        max_chars: int | None = None,
    ) -> str | None:
        value = self.field(mapping, path, key, lambda v: fields.parse_text(v, max_chars), required)
        if value is None:
            return None if required else ""
        return value


def join_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def first_line(mapping: dict[str, Located]) -> int:
    return min((node.line for node in mapping.values()), default=1)
