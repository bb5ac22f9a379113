"""libyaml and PyYAML's own parser give the reader the same document, and the same messages for a broken one."""

from __future__ import annotations

import pytest
import yaml

from generator.read import yaml_files

DOCUMENTS = [
    "a:\nb: ~\nc: ''\nd: null\ne: \"null\"\nf: 12\ng: 2021-11-05\n",
    "cases:\n  - case_id: X-1\n    text: |\n      第一段\n\n      第二段\n"
    "  - case_id: X-2\n    text: >\n      折叠\n      文字\n",
    'title: "引号里的：冒号"\nlist: [1, 2, 3]\nmap: {a: 1}\n',
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_both_parsers_give_the_same_located_document(text):
    fast = yaml_files.located(yaml_files.compose(text), depth=0, seen=set())
    python = yaml_files.located(yaml.compose(text, Loader=yaml.SafeLoader), depth=0, seen=set())
    assert fast == python


def test_a_broken_document_is_reported_in_the_python_parsers_words():
    with pytest.raises(yaml.MarkedYAMLError) as raised:
        yaml_files.compose("a: [1, 2\nb: 3\n")
    assert raised.value.problem == "expected ',' or ']', but got ':'"


def test_an_emoji_written_as_a_surrogate_pair_is_the_character(tmp_path):
    """JSON writes 😀 as "\\ud83d\\ude00", and so do YAML files made from JSON: the pair is one character."""
    import shutil

    from generator import pipeline

    from .conftest import MINIMAL

    root = tmp_path / "data"
    shutil.copytree(MINIMAL, root)
    bulletin = root / "2021-11" / "bulletins" / "BT-2021-11-08.yaml"
    text = bulletin.read_text(encoding="utf-8")
    bulletin.write_text(
        text.replace("title: 包头市纪委监委通报1起典型案例", 'title: "通报\\ud83d\\ude00"'), encoding="utf-8"
    )
    checked = pipeline.check_export(root, tmp_path / "none.csv")
    assert checked.errors == ()
    assert checked.archive.bulletins[0].bulletin.title == "通报😀"
