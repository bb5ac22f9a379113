"""YAML files (release.yaml, bulletins): a tree of text scalars that remember their line, and syntax errors in Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from generator.errors import error
from generator.read.files import Reading
from generator.read.limits import MAX_YAML_BYTES, MAX_YAML_DEPTH
from generator.read.raw import Located, RawYaml
from generator.read.yaml_errors import reader_error_text, syntax_error_line, syntax_error_text


class _YamlShapeError(Exception):
    def __init__(self, message: str, line: int, path: str | None = None, key: str = "") -> None:
        super().__init__(message)
        self.line = line
        self.path = path  # the YAML path, when the message names a value rather than a line
        self.key = key

    @property
    def row(self) -> str:
        return f"第{self.line}行" if self.path is None else f"{self.path or '文件'}（第{self.line}行）"


def compose(text: str) -> yaml.Node | None:
    """libyaml's parser where PyYAML has it (ten times faster on the bulletin files); a document it
    refuses is parsed again in Python, whose error messages are the ones staff are shown."""
    try:
        return yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return yaml.compose(text, Loader=yaml.SafeLoader)


def read_yaml(reading: Reading, path: Path) -> RawYaml | None:
    rel_path = reading.rel(path)
    problems = reading.problems
    data = reading.read_bytes(path, limit=MAX_YAML_BYTES)
    if data is None:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(error(rel_path, "YAML 文件应为 UTF-8 编码"))
        return None
    try:
        node = compose(text)
    except yaml.MarkedYAMLError as exc:
        line = syntax_error_line(exc)
        where = f"第{line}行" if line else ""
        problems.append(error(rel_path, f"YAML 语法错误：{syntax_error_text(exc, text)}", row=where))
        return None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        problems.append(error(rel_path, f"YAML 语法错误：{reader_error_text(exc)}", row=f"第{line}行"))
        return None
    except yaml.YAMLError as exc:
        problems.append(error(rel_path, f"YAML 语法错误（{' '.join(str(exc).split())}）"))
        return None
    except RecursionError:
        problems.append(error(rel_path, f"YAML 嵌套过深，最多 {MAX_YAML_DEPTH} 层"))
        return None
    if node is None:
        problems.append(error(rel_path, "文件是空的"))
        return None
    try:
        root = located(node, depth=0, seen=set())
    except _YamlShapeError as exc:
        problems.append(error(rel_path, str(exc), row=exc.row, column=exc.key))
        return None
    return RawYaml(rel_path, root)


def located(node: yaml.Node, depth: int, seen: set[int], path: str = "", key: str = "") -> Located:
    line = node.start_mark.line + 1
    if depth > MAX_YAML_DEPTH:
        raise _YamlShapeError(f"YAML 嵌套过深，最多 {MAX_YAML_DEPTH} 层", line)
    if id(node) in seen:
        # An alias: refused so that no export can expand into a huge document.
        raise _YamlShapeError("不允许使用 YAML 锚点和别名（& 与 *）", line)
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:null" and not node.style:  # plain: None in PyYAML, "" in libyaml
            return Located(None, line)
        return Located(_text(node.value, line, path, key), line)
    if isinstance(node, yaml.SequenceNode):
        return Located([located(item, depth + 1, seen, f"{path}[{i}]", key) for i, item in enumerate(node.value)], line)
    mapping: dict[str, Located] = {}
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            raise _YamlShapeError("键必须是简单文字", key_line)
        name = _text(key_node.value, key_line, path, "")
        if name in mapping:
            raise _YamlShapeError(f"键“{name}”重复（第{mapping[name].line}行已有）", key_line)
        mapping[name] = located(value_node, depth + 1, seen, f"{path}.{name}" if path else name, name)
    return Located(mapping, line)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _text(value: str, line: int, path: str, key: str) -> str:
    """The scalar with each UTF-16 surrogate pair (`"\\ud83d\\ude00"`, as JSON writes an emoji) as its character.

    A lone surrogate is no character at all: no file, page or terminal can carry it.
    """
    if not _SURROGATE.search(value):
        return value
    joined: list[str] = []
    index = 0
    while index < len(value):
        char = value[index]
        following = value[index + 1] if index + 1 < len(value) else ""
        if "\ud800" <= char <= "\udbff" and "\udc00" <= following <= "\udfff":
            joined.append(chr(0x10000 + ((ord(char) - 0xD800) << 10) + (ord(following) - 0xDC00)))
            index += 2
            continue
        if "\ud800" <= char <= "\udfff":
            raise _YamlShapeError(
                f"第 {len(joined) + 1} 个字符是不成对的 UTF-16 代理码 \\u{ord(char):04x}，不是有效的文字："
                "表情等字符请直接写出，或写成成对的转义（如 \\ud83d\\ude00）",
                line,
                path,
                key,
            )
        joined.append(char)
        index += 1
    return "".join(joined)
