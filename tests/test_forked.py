"""Work in a forked child: its messages, its errors raised at home, and a build whose mkdocs never held the archive."""

from __future__ import annotations

import os
import signal
import time

import pytest

from generator import pipeline
from generator.errors import ExportInvalid, error
from generator.publish import forked, site

from .conftest import SMALL

BASE = "https://jd.example.org/"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_messages_come_home_in_order_from_another_process():
    def work(send):
        for number in range(3):
            send((os.getpid(), number))

    with forked.fork(work) as child:
        messages = list(child.messages())
    assert [number for _, number in messages] == [0, 1, 2]
    assert {pid for pid, _ in messages} == {child.pid} and child.pid != os.getpid()
    assert not _alive(child.pid)  # waited for: not even a zombie is left


def test_the_childs_error_is_raised_at_home_with_what_it_carries():
    problems = (error("2021-11/projects.csv", "应为日期，实际为“明天”", 3, "开工日期"),)

    def work(send):
        send("started")
        raise ExportInvalid(problems)

    with forked.fork(work) as child, pytest.raises(ExportInvalid) as raised:
        list(child.messages())
    assert raised.value.problems == problems


def test_an_error_that_cannot_travel_is_named():
    class Local(Exception):  # defined in a function: pickle cannot find it at home
        pass

    def work(send):
        raise Local("lost")

    with forked.fork(work) as child, pytest.raises(forked.ChildFailed, match="Local: lost"):
        list(child.messages())


def test_a_child_that_dies_without_a_word_is_a_failure():
    def work(send):
        send("one")
        os._exit(3)  # as if killed, or out of memory

    with forked.fork(work) as child:
        messages = child.messages()
        assert next(messages) == "one"
        with pytest.raises(forked.ChildFailed, match="status 3"):
            next(messages)


def test_a_parent_that_stops_listening_leaves_no_child_running():
    def work(send):
        send("ready")
        time.sleep(600)

    with forked.fork(work) as child:
        assert next(child.messages()) == "ready"
        pid = child.pid
    assert not _alive(pid)


def test_a_parent_interrupted_while_waiting_kills_its_child():
    def work(send):
        time.sleep(600)

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        child = forked.fork(work)
        signal.alarm(1)
        with pytest.raises(KeyboardInterrupt):
            list(child.messages())
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert not _alive(child.pid)


def test_the_pages_render_in_a_process_that_has_ended_before_mkdocs_runs(tmp_path, monkeypatch):
    """What keeps a large build's memory down: mkdocs runs where the archive never was."""
    rendered_in = tmp_path / "render-pid"
    real_render, real_mkdocs = pipeline.export.render_content, site.run_mkdocs

    def render_content(*args, **kwargs):
        rendered_in.write_text(str(os.getpid()))
        return real_render(*args, **kwargs)

    seen: dict[str, object] = {}

    def run_mkdocs(*args, **kwargs):
        pid = int(rendered_in.read_text())
        seen["render pid"], seen["alive at mkdocs"] = pid, _alive(pid)
        return real_mkdocs(*args, **kwargs)

    monkeypatch.setattr(pipeline.export, "render_content", render_content)
    monkeypatch.setattr(site, "run_mkdocs", run_mkdocs)
    report = pipeline.build(SMALL, tmp_path / "site", tmp_path, base_url=BASE, keep_archive=False)
    assert seen["render pid"] != os.getpid()
    assert seen["alive at mkdocs"] is False
    assert report.archive is None and report.counts.projects > 0 and report.pages > 0
    assert (tmp_path / "site" / "index.html").is_file()


def test_the_archive_comes_home_when_asked_for(tmp_path):
    report = pipeline.build(SMALL, tmp_path / "site", tmp_path, base_url=BASE)
    assert report.archive is not None
    assert len(report.archive.projects) == report.counts.projects
    assert report.archive.newest.release_id == report.counts.release_id
    assert sum(len(b.bulletin.cases) for b in report.archive.bulletins) == report.counts.cases


def test_progress_lines_and_timings_come_home_in_order(tmp_path):
    lines: list[str] = []
    report = pipeline.build(SMALL, tmp_path / "site", tmp_path, base_url=BASE, progress=lines.append)
    total = pipeline.STEP_COUNT
    assert [line.split("]")[0] + "]" for line in lines] == [f"[{n}/{total}]" for n in range(1, total + 1)]
    assert list(report.seconds) == [
        "read",
        "validate",
        "render",
        "write",
        "codes",
        "mkdocs",
        "manifest",
        "print",
        "publish",
    ]
