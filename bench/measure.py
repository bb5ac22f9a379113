"""One measured run, in its own process: a `portal build` or the bare mkdocs build, reported as JSON.

    python bench/measure.py build DATA_ROOT WORK_DIR
    python bench/measure.py mkdocs CONFIG SITE_DIR

The harness (`bench/run.py`) starts this script once per run so that every
figure starts from a fresh interpreter, as a staff member's `portal build` does.

Memory is resident memory (RSS), the honest measure of what the machine must
hold: a sampler reads VmRSS from /proc every SAMPLE_SECONDS for this process
and every process below it (the code-drawing workers, Pagefind) and records
the sum. The sampler is a process of its own, so that its work takes no time
from the build it measures (a thread would hold the build's interpreter lock).
A stage's peak is the largest sum sampled while the stage ran; the run's peak
is that largest sum, or the kernel's exact peak of this process
(ru_maxrss), whichever is larger. Sampling can miss a spike shorter than the
interval, and summing counts pages shared between processes more than once,
so the figure is an upper bound of a sampled curve, not an exact maximum.

Forked workers (mkdocs' pages are converted by one process per core, see
generator/publish/shared_build.py) share most of their parent's memory, which
the RSS sum counts once per process. So the sampler also sums the
proportional set size (Pss in /proc/PID/smaps_rollup: each shared page
divided among the processes that map it), which adds up to what the tree
really holds; both are reported. Reading Pss makes the kernel walk every page
table of a process, which for a build of 10× the sample took a third of a core
when done every SAMPLE_SECONDS: time taken from the build's two workers, not
from the single-process bare mkdocs. So Pss is read every PSS_EVERY-th sample
only (memory of the workers grows over seconds, not milliseconds), and the
sampler's own CPU time is reported so that the harness leaves it out.
"""

from __future__ import annotations

import json
import os
import resource
import select
import subprocess
import sys
import time
from pathlib import Path

SAMPLE_SECONDS = 0.02
PSS_EVERY = 10  # a Pss sum every 0.2 s


def rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass  # the process ended between listing and reading
    return 0


def pss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def descendants(pid: int) -> list[int]:
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as children:
                for child in children.read().split():
                    found.append(int(child))
                    found.extend(descendants(int(child)))
        except OSError:
            continue
    return found


class MemorySampler:
    """Samples (time, RSS, PSS of the process tree under `pid`) from a process of its own until stopped."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, int, int]] = []  # (time, RSS sum, PSS sum or -1 if not read)
        self.cpu_seconds = 0.0  # the sampler's own, user and system
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, __file__, "sample", str(os.getpid())]
        self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def stop(self) -> None:
        output, _ = self._process.communicate()  # closing its input tells it to stop
        result = json.loads(output)
        self.samples = [(moment, rss, pss) for moment, rss, pss in result["samples"]]
        self.cpu_seconds = result["cpu_seconds"]

    def peak(self, start: float = float("-inf"), end: float = float("inf"), column: int = 1) -> int:
        """The largest RSS sum (column 1) or PSS sum (column 2) sampled between start and end."""
        rows = [row for row in self.samples if row[column] >= 0]
        inside = [row[column] for row in rows if start <= row[0] <= end]
        if not inside:  # a stage shorter than the interval: the next sample after it started
            inside = [row[column] for row in rows if row[0] >= start][:1]
        if not inside:  # the last stage ended after the last sample: the last one before it
            inside = [row[column] for row in rows if row[0] <= start][-1:]
        return max(inside, default=0)


def sample(pid: int) -> None:
    """The sampler process: until its input closes, sum the RSS of `pid` and its descendants but itself."""
    me = os.getpid()
    samples = []
    while True:
        tree = [p for p in descendants(pid) if p != me]
        processes = [pid, *tree]
        pss = sum(map(pss_bytes, processes)) if len(samples) % PSS_EVERY == 0 else -1
        samples.append((time.monotonic(), sum(map(rss_bytes, processes)), pss))
        readable, _, _ = select.select([sys.stdin], [], [], SAMPLE_SECONDS)
        if readable and not os.read(sys.stdin.fileno(), 1):
            break
    usage = resource.getrusage(resource.RUSAGE_SELF)
    json.dump({"samples": samples, "cpu_seconds": usage.ru_utime + usage.ru_stime}, sys.stdout)


def stage_windows(starts: list[float], seconds: dict[str, float]) -> dict[str, tuple[float, float]]:
    """(start, end) of each stage: the pipeline announces each stage through `progress` before timing it."""
    windows = {}
    if len(starts) == len(seconds):
        for start, (name, duration) in zip(starts, seconds.items(), strict=True):
            windows[name] = (start, start + duration)
        return windows
    # A stage that does not announce itself: assume the stages ran one after another.
    moment = starts[0] if starts else 0.0
    for name, duration in seconds.items():
        windows[name] = (moment, moment + duration)
        moment += duration
    return windows


def measure_build(data_root: Path, work_dir: Path) -> dict:
    from generator import pipeline

    starts: list[float] = []
    sampler = MemorySampler()
    sampler.start()
    began = time.monotonic()
    report = pipeline.build(
        data_root,
        work_dir / "site",
        work_dir,
        base_url="https://jd.example.org/",
        progress=lambda label: starts.append(time.monotonic()),
        keep_archive=False,  # as `portal build` does
    )
    ended = time.monotonic()
    sampler.stop()
    stages = {}
    for name, (start, end) in stage_windows(starts, report.seconds).items():
        stages[name] = {
            "seconds": report.seconds[name],
            "peak_rss": sampler.peak(start, end),
            "peak_pss": sampler.peak(start, end, column=2),
        }
    return {
        "seconds": ended - began,
        "peak_rss": max(sampler.peak(), _own_peak()),
        "peak_pss": sampler.peak(column=2),
        "sampler_cpu_seconds": sampler.cpu_seconds,
        "stages": stages,
        "pages": report.pages,
        "codes": report.codes,
        "projects": report.counts.projects,
        "bulletins": report.counts.bulletins,
        "cases": report.counts.cases,
    }


def measure_mkdocs(config: Path, site_dir: Path) -> dict:
    """What `mkdocs build -f CONFIG -d SITE_DIR` does, inside this process so its memory is sampled."""
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    sampler = MemorySampler()
    sampler.start()
    began = time.monotonic()
    build(load_config(str(config), site_dir=str(site_dir)))
    ended = time.monotonic()
    sampler.stop()
    return {
        "seconds": ended - began,
        "peak_rss": max(sampler.peak(), _own_peak()),
        "peak_pss": sampler.peak(column=2),
        "sampler_cpu_seconds": sampler.cpu_seconds,
    }


def _own_peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


def main(argv: list[str]) -> None:
    if argv[0] == "sample":
        sample(int(argv[1]))
        return
    kind, first, second = argv
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    result = measure_build(Path(first), Path(second)) if kind == "build" else measure_mkdocs(Path(first), Path(second))
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
