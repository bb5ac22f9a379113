"""PyYAML's syntax errors said in Chinese: what is wrong, where it began and where the parser gave up.

The parser reports where it gave up; an unclosed quote on line 2 is found only at the
end of the file. The message names both places, and says how to fix the common cases.
Anything not translated keeps PyYAML's own words in brackets.
"""

from __future__ import annotations

import ast
import re

import yaml

_TOKENS = {
    "<block mapping start>": "新的映射",
    "<block sequence start>": "新的列表",
    "<block end>": "缩进结束",
    "<scalar>": "文字",
    "-": "列表项“-”",
    "?": "“?”",
    ":": "“:”",
    ",": "“,”",
    "<stream end>": "文件末尾",
    "<document start>": "文档开始“---”",
    "<document end>": "文档结束“...”",
    "<alias>": "别名“*”",
    "<anchor>": "锚点“&”",
    "<tag>": "标签“!”",
    "<block entry>": "列表项“-”",
    "<flow sequence end>": "“]”",
    "<flow mapping end>": "“}”",
    "<key>": "键",
    "<value>": "值",
}


def _place(mark: yaml.Mark | None) -> str:
    return f"第{mark.line + 1}行第{mark.column + 1}个字符" if mark else "某处"


def _line(mark: yaml.Mark | None) -> str:
    return f"第{mark.line + 1}行" if mark else "某处"


def _found(problem: str) -> str:
    """The token or character a problem says was found, in words."""
    match = re.search(r"found (?:unknown escape )?character (.+?)(?: that cannot start any token)?$", problem)
    match = match or re.search(r"(?:found|got) (.+)$", problem)
    if not match:
        return ""
    found = match.group(1).strip()
    if found.startswith(("'", '"')):
        try:
            found = ast.literal_eval(found)
        except (ValueError, SyntaxError):
            pass
    if found in _TOKENS:
        return _TOKENS[found]
    if found == "\t":
        return "制表符（Tab）"
    return f"“{found}”"


def _char_at(text: str, mark: yaml.Mark | None) -> str:
    if mark is None:
        return ""
    lines = text.splitlines()
    if mark.line < len(lines) and mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""


def syntax_error_line(exc: yaml.MarkedYAMLError) -> int | None:
    """The line (1-based) the message is filed under: where the broken construct began, not where the
    parser gave up (an unclosed quote is found only at the end of the file)."""
    # Where the line itself is wrong (its indentation, a second document), the problem is that line.
    at_problem = (exc.problem or "").startswith(("but found another document", "expected <block end>"))
    mark = exc.problem_mark if at_problem else None
    mark = mark or exc.context_mark or exc.problem_mark
    return mark.line + 1 if mark else None


QUOTE_HINT = "请给这段文字加上引号"


def syntax_error_text(exc: yaml.MarkedYAMLError, text: str) -> str:
    """What is wrong, in Chinese; PyYAML's own words in brackets when it is not a case we know."""
    context, problem = exc.context or "", exc.problem or ""
    begin, end = exc.context_mark, exc.problem_mark
    found = _found(problem)
    for explain in (_quotes_and_escapes, _keys_and_indents, _brackets_and_documents):
        said = explain(context, problem, begin, end, found, text)
        if said is not None:
            return said
    original = "; ".join(part for part in (context, problem) if part)
    return f"{_place(end or begin)}无法解析（{original}）"


def _quotes_and_escapes(
    context: str, problem: str, begin: yaml.Mark | None, end: yaml.Mark | None, found: str, text: str
) -> str | None:
    """Quoted text left open, and escapes a double-quoted string cannot hold."""
    if "quoted scalar" in context and problem.startswith("found unexpected end of stream"):
        char = _char_at(text, begin)
        return f"{_place(begin)}的引号 {char} 开始的文字没有结束：直到文件末尾都没有配对的 {char}，请补上结束的引号"
    if "quoted scalar" in context and problem.startswith("found unexpected document separator"):
        char = _char_at(text, begin)
        return (
            f"{_place(begin)}的引号 {char} 开始的文字没有结束：直到{_line(end)}的文档分隔符都没有配对的 {char}，"
            "请补上结束的引号"
        )
    if problem.startswith("found unknown escape character"):
        return (
            f"{_place(end)}：双引号中的转义“\\{found.strip('“”')}”无效：反斜杠本身应写成“\\\\”，或把这段文字改用单引号"
        )
    if problem.startswith("expected escape sequence of"):
        return f"{_place(end)}：双引号中的 \\x、\\u 或 \\U 转义后面应有十六进制数字，实际为{found}"
    if problem.startswith("found invalid Unicode character escape code"):
        return f"{_place(end)}：双引号中的 \\u 或 \\U 转义不是有效的字符"
    return None


def _keys_and_indents(
    context: str, problem: str, begin: yaml.Mark | None, end: yaml.Mark | None, found: str, text: str
) -> str | None:
    """A colon in text, a key without one, a character no value may start with, indentation."""
    quote_hint = QUOTE_HINT
    if problem == "mapping values are not allowed here":
        return (
            f"{_place(end)}的“:”不能出现在这里：文字中的“: ”（冒号加空格）会被当成键和值之间的分隔，"
            f"{quote_hint}，或检查这一行和上一行的缩进"
        )
    if "simple key" in context and problem.startswith("could not find expected ':'"):
        return (
            f"{_line(begin)}缺少“:”：每个键后面应有冒号和空格，如“title: 标题”；"
            "若这一行是上一行文字的延续，请检查缩进，或给文字加上引号"
        )
    if problem.startswith("found character") and problem.endswith("that cannot start any token"):
        if found == "制表符（Tab）":
            return f"{_place(end)}是制表符（Tab）：YAML 只能用空格缩进，请把 Tab 换成空格"
        return f"{_place(end)}的字符{found}不能作为一个值的开头，{quote_hint}"
    if context.startswith(("while scanning an alias", "while scanning an anchor")):
        return f"{_place(begin)}以“*”或“&”开头的文字会被当成 YAML 的别名或锚点，{quote_hint}"
    if context.startswith(("while scanning a tag", "while parsing a tag")):
        return f"{_place(begin)}以“!”开头的文字会被当成 YAML 的标签，{quote_hint}"
    if context.startswith("while scanning a block scalar"):
        return f"{_place(end)}：“|”或“>”后面只能换行，文字应从下一行开始，并比键多缩进"
    if context.startswith("while parsing a block mapping") and problem.startswith("expected <block end>"):
        return (
            f"{_place(end)}的缩进与{_line(begin)}开始的映射对不上（这里是{found}）：同一层的键应左对齐，"
            "值的内容应比它的键多缩进"
        )
    if context.startswith("while parsing a block collection") and problem.startswith("expected <block end>"):
        return f"{_place(end)}的缩进与{_line(begin)}开始的列表对不上（这里是{found}）：同一列表的各项“- ”应左对齐"
    return None


def _brackets_and_documents(
    context: str, problem: str, begin: yaml.Mark | None, end: yaml.Mark | None, found: str, text: str
) -> str | None:
    """Brackets left open, a missing value, a second document, anchors."""
    quote_hint = QUOTE_HINT
    if context.startswith("while parsing a flow sequence"):
        return (
            f"{_place(begin)}开始的方括号列表“[”没有正确结束：{_place(end)}应为“,”或“]”，实际是{found}；"
            f"若方括号是文字的一部分，{quote_hint}"
        )
    if context.startswith("while parsing a flow mapping"):
        return (
            f"{_place(begin)}开始的花括号“{{”没有正确结束：{_place(end)}应为“,”或“}}”，实际是{found}；"
            f"若花括号是文字的一部分，{quote_hint}"
        )
    if problem.startswith("expected the node content"):
        return f"{_place(end)}缺少值，这里是{found}"
    if problem.startswith("but found another document"):
        return f"{_place(end)}的“---”开始了第二个文档，而一个文件只能有一个：请删除这一行"
    if "<document start>" in problem:
        return f"{_place(end)}多出了内容（{found}）：文件应是一个“键: 值”映射，请检查这一行的缩进"
    if problem.startswith(("found undefined alias", "found duplicate anchor")) or "anchor" in context:
        return "不允许使用 YAML 锚点和别名（& 与 *）"
    return None


def reader_error_text(exc: yaml.reader.ReaderError) -> str:
    character = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    return f"含有不允许出现在 YAML 中的字符 U+{character:04X}，请删除它"
