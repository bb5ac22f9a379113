"""Work done in a forked process of its own, its messages and its end sent home through a pipe.

Two parts of the build run this way. mkdocs' pages are converted by one
forked worker per core (shared_build.py). And the export half of a build,
read → validate → model → render, runs in a child that exits once content/ is
written: the archive it holds (some 500 MB at 10× the sample) is then handed
back to the system whole, which freeing it in-process never does (CPython's
allocator keeps what it once held, fragmented), so mkdocs starts from a small
process.

A child is forked, not spawned: it starts with everything the parent has
imported and loaded. It sends any number of messages (each a pickle), then
either the end of its work or the exception that stopped it, which the
parent raises as its own. A child leaves with os._exit, never running the
parent's clean-up, and a parent that stops listening kills it.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

Send = Callable[[Any], None]


@dataclass(frozen=True)
class _Failed:
    error: BaseException


class _Done:
    pass


class ChildFailed(RuntimeError):
    """A child ended without saying how: killed, or out of memory."""


class Child:
    """A forked child seen from its parent: its messages, in order, then its end."""

    def __init__(self, pid: int, pipe: BinaryIO) -> None:
        self.pid = pid
        self._pipe = pipe
        self._ended = False

    def __enter__(self) -> Child:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def messages(self) -> Iterator[Any]:
        """Every message until the child's work ends; its exception is raised here."""
        try:
            while True:
                try:
                    message = pickle.load(self._pipe)
                except EOFError:
                    status = self._wait()
                    raise ChildFailed(f"a build process ended without a report (status {status})") from None
                if isinstance(message, _Done):
                    self._wait()
                    return
                if isinstance(message, _Failed):
                    self._wait()
                    raise message.error
                yield message
        except BaseException:
            self.stop()  # an interrupted parent does not leave its child running
            raise

    def stop(self) -> None:
        if self._ended:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._wait()

    def _wait(self) -> int:
        self._pipe.close()
        if self._ended:
            return 0
        self._ended = True
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)


def fork(work: Callable[[Send], None]) -> Child:
    """Run `work(send)` in a forked child; `send` pickles a message home."""
    reading, writing = os.pipe()
    sys.stdout.flush()  # else the child would write the parent's buffered output a second time
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        os.close(writing)
        return Child(pid, os.fdopen(reading, "rb"))
    os.close(reading)
    status = 0
    try:
        with os.fdopen(writing, "wb") as pipe:
            _work_and_report(work, pipe)
    except BaseException:  # nothing may reach the parent's code in this process
        status = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


def _work_and_report(work: Callable[[Send], None], pipe: BinaryIO) -> None:
    def send(message: Any) -> None:
        pickle.dump(message, pipe, protocol=pickle.HIGHEST_PROTOCOL)
        pipe.flush()  # the parent acts on each message as it comes

    try:
        work(send)
    except BaseException as exc:  # every failure goes home to be raised there
        send(_Failed(exc if _picklable(exc) else ChildFailed(f"{type(exc).__name__}: {exc}")))
    else:
        send(_Done())


def _picklable(exc: BaseException) -> bool:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # any failure means it cannot travel
        return False
    return True
