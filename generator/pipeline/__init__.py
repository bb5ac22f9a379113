"""The whole run, left to right: read → validate → model → render → codes → publish.

`check_export` (export.py) is the first two steps of every command; `build`
(build.py) is `portal build`, its export half in a process of its own;
`make_kit` (kit.py) is `portal signs`. The work itself lives in the stage
packages: these modules only say in which order it is done.
"""

from generator.errors import BuildFailed
from generator.pipeline.build import REGISTER_NAME, STEP_COUNT, BuildReport, build, build_site
from generator.pipeline.export import CheckedExport, Counts, check_export
from generator.pipeline.kit import KitReport, make_kit

__all__ = [
    "REGISTER_NAME",
    "STEP_COUNT",
    "BuildFailed",
    "BuildReport",
    "CheckedExport",
    "Counts",
    "KitReport",
    "build",
    "build_site",
    "check_export",
    "make_kit",
]
