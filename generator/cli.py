"""The `portal` command: thin wrappers that parse options and call one library function each."""

from __future__ import annotations

import argparse
from collections.abc import Callable
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

from generator.render import changes
from generator.publish import manifest
from generator import pipeline
from generator.errors import (
    BuildFailed,
    ExportInvalid,
    PartlyPublished,
    PortalError,
    Problem,
    SettingsInvalid,
    UsageRefused,
)
from generator.publish.rollback import rollback
from generator.publish.site_folder import new_site_folder
from generator.settings import absolute, load_settings
from generator.codes.signs import DEFAULT_FONT

EXAMPLES = {
    "new": "例：portal new /srv/jd   （然后：cd /srv/jd，把每月导出放进 data/，运行 portal build）",
    "validate": "例：portal validate data/sample --strict",
    "build": "例：portal build   （在站点目录中）；或 portal build data/sample --out site --base-url https://jd.example.org/",
    "signs": "例：portal signs data/sample --out signs --only-new --base-url https://jd.example.org/",
    "verify": "例：portal verify site --work .",
    "rollback": "例：portal rollback   （在站点目录中：换回上一次发布的网站及其登记册）",
}
ISSUE_URL_HINT = "请把这条消息和所用的命令告诉本工具的维护者。"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="portal",
        description="码上监督：校验监督平台的月度导出数据，生成公开网站。",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=EXAMPLES[name],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if name in ("verify", "new", "rollback"):
            return sub
        sub.add_argument(
            "data_root",
            type=Path,
            nargs="?",
            metavar="DATA_ROOT",
            help="数据目录：每期一个 YYYY-MM 文件夹（默认取站点目录 mkdocs.yml 的 extra.data_root）",
        )
        sub.add_argument("--strict", action="store_true", help="有警告也视为不通过")
        return sub

    _export_commands(command)
    _site_commands(command)
    return parser


_Command = Callable[[str, str], argparse.ArgumentParser]


def _export_commands(command: _Command) -> None:
    """The commands that read an export: new, validate, build, signs."""
    new = command("new", "新建站点目录：带注释的 mkdocs.yml 与空的 data/")
    new.add_argument("folder", type=Path, metavar="DIR", help="新站点目录（不存在或为空）")

    validate = command("validate", "校验导出数据，列出所有问题，不生成网站")
    validate.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text）")
    validate.add_argument("--work", type=Path, default=Path("."), help="工作目录（含 qr/register.csv），默认当前目录")

    build = command("build", "校验导出数据并生成网站：content/、qr/ 与 SITE_DIR")
    build.add_argument(
        "--out", type=Path, metavar="SITE_DIR", help="网站输出目录（默认取 mkdocs.yml 的 site_dir，通常是 site/）"
    )
    build.add_argument("--base-url", help="网站地址（二维码中的网址以此开头），默认取 mkdocs.yml 的 site_url")
    build.add_argument(
        "--work", type=Path, default=Path("."), help="站点目录（工作目录：mkdocs.yml、content/、qr/），默认当前目录"
    )

    signs = command("signs", "生成标牌制作文件包：每个二维码的原大母版（SVG、PDF）、A4 校样与清单 manifest.csv")
    signs.add_argument("--out", type=Path, required=True, metavar="DIR", help="文件包输出目录（空目录或上次的文件包）")
    signs.add_argument("--only-new", action="store_true", help="只生成最新一期首次发布的二维码")
    signs.add_argument("--base-url", help="网站地址（二维码中的网址以此开头），默认取 mkdocs.yml 的 site_url")
    signs.add_argument("--work", type=Path, default=Path("."), help="工作目录（含 qr/register.csv），默认当前目录")
    signs.add_argument(
        "--font", type=Path, default=DEFAULT_FONT, help=f"嵌入 PDF 的中文 TrueType 字体（默认 {DEFAULT_FONT}）"
    )


def _site_commands(command: _Command) -> None:
    """The commands that look after a published site: verify, rollback."""
    verify = command("verify", "核对已生成的网站：每个文件与 SHA256SUMS 一致，登记册中的每个二维码都有页面")
    verify.add_argument("site_dir", type=Path, metavar="SITE_DIR", help="网站目录")
    verify.add_argument(
        "--work", type=Path, help="工作目录：用其中的 qr/register.csv 核对二维码（默认用网站中发布的副本）"
    )

    rollback = command("rollback", "换回上一次发布的网站，连同其二维码登记册")
    rollback.add_argument("--out", type=Path, metavar="SITE_DIR", help="网站目录（默认取 mkdocs.yml 的 site_dir）")
    rollback.add_argument("--work", type=Path, default=Path("."), help="站点目录，默认当前目录")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Every path is made absolute once, here, before anything runs.
    for name in ("data_root", "out", "work", "site_dir", "folder", "font"):
        if getattr(args, name, None) is not None:
            setattr(args, name, absolute(getattr(args, name)))
    commands = {
        "new": _new,
        "validate": _validate,
        "build": _build,
        "signs": _signs,
        "verify": _verify,
        "rollback": _rollback,
    }
    try:
        return commands[args.command](args)
    except KeyboardInterrupt:
        print("已中断：已发布的网站保持不变。", file=sys.stderr)
        return 1
    except UsageRefused as exc:
        print(f"{exc}\n未改动任何文件。", file=sys.stderr)
        return 2
    except SettingsInvalid as exc:
        print(f"设置有误：{exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug of ours, not bad input: one line, and what to do
        print(f"内部错误（{type(exc).__name__}: {exc}），已发布的网站保持不变。{ISSUE_URL_HINT}", file=sys.stderr)
        return 1


def _new(args: argparse.Namespace) -> int:
    created = new_site_folder(args.folder)
    print(
        f"已新建站点目录 {created}：请编辑 {created / 'mkdocs.yml'}，把每月导出放进 {created / 'data'}/，然后在该目录中运行 portal build。"
    )
    return 0


def _print_problems(problems: tuple[Problem, ...]) -> None:
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_file[problem.file].append(problem)
    for name in sorted(by_file):
        for problem in by_file[name]:
            print(problem, file=sys.stderr)


def _refuse_export(exc: ExportInvalid, consequence: str) -> int:
    """Every problem, grouped by file, then one line: how many, and that nothing was written."""
    _print_problems(exc.problems)
    errors = sum(p.is_error for p in exc.problems)
    print(f"导出数据有 {errors} 个错误、{len(exc.problems) - errors} 条警告，{consequence}", file=sys.stderr)
    return 1


def _validate(args: argparse.Namespace) -> int:
    settings = load_settings(args.work, args.data_root)
    checked = pipeline.check_export(settings.data_root, settings.register_path, is_sample=settings.sample_data)
    valid = checked.is_valid(args.strict)
    if args.format == "json":
        # Made whole before a byte is written, from strings that all have a UTF-8 form
        # (Problem.as_dict): the output is valid JSON or nothing, never cut short.
        text = json.dumps(
            {
                "valid": valid,
                "strict": args.strict,
                "errors": len(checked.errors),
                "warnings": len(checked.warnings),
                "problems": [p.as_dict() for p in sorted(checked.problems, key=lambda p: p.file)],
            },
            ensure_ascii=False,
            indent=2,
        )
        print(text)
        return 0 if valid else 1
    _print_problems(checked.problems)
    errors, warnings = len(checked.errors), len(checked.warnings)
    archive = checked.archive
    if valid and archive is not None:
        print(
            f"校验通过：{len(archive.releases)} 期数据，最新 {archive.newest.release_id} 期 "
            f"{len(archive.newest.projects)} 个项目、{len(archive.newest.codes)} 个二维码"
            + (
                f"，{len(archive.newest.windows)} 个服务窗口、{len(archive.newest.window_codes)} 个窗口二维码"
                if archive.newest.windows or archive.newest.window_codes
                else ""
            )
            + f"；通报 {len(archive.bulletins)} 批。警告 {warnings} 条。"
        )
        for name, encoding in archive.newest.source_files:
            print(f"  {name}：{encoding}")
        return 0
    strict_note = "（--strict：警告也视为不通过）" if args.strict and not errors else ""
    print(f"校验未通过：错误 {errors} 条，警告 {warnings} 条{strict_note}。", file=sys.stderr)
    return 1


def _build(args: argparse.Namespace) -> int:
    started = time.perf_counter()

    def progress(step: str) -> None:
        print(step, file=sys.stderr, flush=True)

    settings = load_settings(args.work, args.data_root, args.out, args.base_url)
    out = settings.site_dir
    try:
        report = pipeline.build_site(settings, strict=args.strict, progress=progress, keep_archive=False)
    except ExportInvalid as exc:
        return _refuse_export(exc, f"未发布任何内容，{out} 保持不变。")
    except PartlyPublished as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except BuildFailed as exc:
        print(f"{exc}\n未发布任何内容，{out} 保持不变。", file=sys.stderr)
        return 1
    except OSError as exc:  # disk full, permissions: the staged build is gone, the site untouched
        print(f"写入时出错：{exc}\n未发布任何内容，{out} 保持不变。", file=sys.stderr)
        return 1
    _print_problems(report.problems)
    counts = report.counts
    print()
    print(changes.render_report_text(report.changes, report.code_base_url, settings.qr_dir, out), end="")
    print()
    print(
        f"已发布 {counts.release_id} 期：{counts.current_projects} 个项目、{counts.current_codes} 个二维码、"
        + (
            f"{counts.current_windows} 个服务窗口（{counts.current_window_codes} 个窗口二维码）、"
            if counts.windows
            else ""
        )
        + f"{counts.bulletins} 批通报，"
        f"共 {report.pages} 个页面、{report.files} 个文件（清单 SHA256SUMS）；"
        f"用时 {time.perf_counter() - started:.1f} 秒；网站在 {out}/（本期更新：{out}/changes/）"
    )
    return 0


def _signs(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    try:
        report = pipeline.make_kit(
            args.data_root,
            args.out,
            args.work,
            base_url=args.base_url,
            only_new=args.only_new,
            font_path=args.font,
            strict=args.strict,
            progress=lambda step: print(f"… {step}", file=sys.stderr, flush=True),
        )
    except ExportInvalid as exc:
        return _refuse_export(exc, "未生成任何标牌文件。")
    except UsageRefused:
        raise
    except PortalError as exc:
        print(f"{exc}\n未生成任何标牌文件。", file=sys.stderr)
        return 1
    _print_problems(report.problems)
    if report.missing_glyphs:
        print(f"警告：字体 {args.font} 缺少这些字，印出来会是空白：{report.missing_glyphs}", file=sys.stderr)
    which = "新增" if report.only_new else "全部"
    sheets = f"A4 校样 {report.sheets} 页、" if report.codes else ""
    print(
        f"已生成 {report.release_id} 期{which}标牌文件包：{report.codes} 个二维码的原大母版（SVG、PDF 各 "
        f"{report.codes} 个）、{sheets}清单 manifest.csv；"
        + (
            f"{report.window_codes} 个窗口二维码的台卡和贴纸（window-desk-cards.pdf、window-stickers.pdf，"
            "清单 window-manifest.csv）；"
            if report.window_codes
            else ""
        )
        + f"写入 {report.written} 个文件，删除旧文件 "
        f"{report.removed} 个；用时 {time.perf_counter() - started:.1f} 秒；文件在 {args.out}/"
    )
    return 0


def _verify(args: argparse.Namespace) -> int:
    register = args.work / "qr" / pipeline.REGISTER_NAME if args.work else None
    problems, files, codes = manifest.verify_site(args.site_dir, register)
    _print_problems(problems)
    if problems:
        print(f"核对未通过：{len(problems)} 个问题（已核对 {files} 个文件、{codes} 个二维码）。", file=sys.stderr)
        return 1
    print(f"核对通过：{files} 个文件与 SHA256SUMS 一致，{codes} 个二维码都有页面。")
    return 0


def _rollback(args: argparse.Namespace) -> int:
    settings = load_settings(args.work, site_dir=args.out)
    try:
        restored = rollback(settings)
    except BuildFailed as exc:
        print(f"{exc}\n未改动任何文件。", file=sys.stderr)
        return 1
    print(f"已换回上一次发布的网站（{restored}）：{settings.site_dir}，登记册 {settings.register_path} 随之换回。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
