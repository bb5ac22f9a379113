"""The search index, made from each page as mkdocs writes it: Pagefind, extended build (it segments Chinese).

Only pages whose front matter says `pagefind:` (cases, bulletins, projects) are indexed, and only
their article (site_templates/overrides/main.html marks it `data-pagefind-body`). Three choices,
each for a figure measured with `make bench` (see docs/scaling.md):

- Streamed. mkdocs spends most of its time turning Markdown into HTML, one page after another
  on one core. As soon as a page's article is converted, it goes to `pagefind --service` as a
  small document holding just that article (site_templates/pages/search_record.html.j2: what
  the published page marks `data-pagefind-body`), so Pagefind indexes on the other core
  meanwhile, and writes the last bundle while mkdocs puts the pages into the theme.
- Our own client of that service. The `pagefind` package's Python API sleeps 100 ms before it
  reads each response, so a few thousand pages take minutes through it. The protocol is small:
  each request and each response is base64 of a JSON object, followed by a comma.
- Shards. Pagefind holds a whole index in memory and, while writing it, about three times as
  much (some 190 KB a page of this site). So the pages go, in build order, into bundles of at
  most `search_shard_pages` (mkdocs.yml `extra`); each is written, and its process ends, as soon
  as it is full, and the search page merges them (Pagefind's `mergeIndex`). The first bundle
  is `pagefind/`, the next `pagefind-2/`, and so on.

A bundle is cached under the work folder by the sha256 of its pages' URLs and bytes, never by a
time: a bundle whose pages are all unchanged is taken from there instead of being written again.
A failed index fails the build, before anything is published.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import IO, TYPE_CHECKING

from markupsafe import Markup

from generator.errors import BuildFailed
from generator.settings import DEFAULT_SHARD_PAGES

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.plugins import BasePlugin
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

OUTPUT_SUBDIR = "pagefind"
# The whole site is Simplified Chinese: one index, segmented as Chinese.
INDEX_CONFIG = {"force_language": "zh"}
# Pagefind's ready-made interfaces: the search page uses its own script and the plain API.
UNUSED_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)
TIMEOUT_SECONDS = 600
PAGEFIND_NICENESS = 10


def pagefind_executable() -> Path:
    try:
        from pagefind_bin_extended import get_executable
    except ImportError as exc:
        raise BuildFailed("找不到 Pagefind（扩展版）：请安装 requirements.txt 中的 pagefind[extended]") from exc
    try:
        executable: Path = get_executable()
    except FileNotFoundError as exc:
        raise BuildFailed(f"找不到 Pagefind 程序：{exc}") from exc
    return executable


def bundle_name(number: int) -> str:
    """`pagefind` for the first bundle, `pagefind-2` for the second, …"""
    return OUTPUT_SUBDIR if number == 0 else f"{OUTPUT_SUBDIR}-{number + 1}"


def _pipe(stream: IO[bytes] | None) -> IO[bytes]:
    """A stream of the Pagefind process, which Popen always makes when asked for a pipe."""
    if stream is None:  # pragma: no cover - stdin and stdout are subprocess.PIPE
        raise BuildFailed("无法启动 Pagefind：没有得到它的输入输出管道")
    return stream


class _Service:
    """One `pagefind --service` process: requests written to it, its responses gathered by a thread."""

    def __init__(self) -> None:
        # Pagefind reads PAGEFIND_* settings from the environment; none of the caller's apply here.
        env = {key: value for key, value in os.environ.items() if not key.startswith("PAGEFIND_")}
        self._stderr = tempfile.TemporaryFile()
        try:
            # mkdocs, which the build waits for, keeps its core; Pagefind takes what is left. `nice`
            # rather than a preexec_fn: this process has threads, and a preexec_fn may then deadlock.
            lower = ["nice", "-n", str(PAGEFIND_NICENESS)] if shutil.which("nice") else []
            self.process = subprocess.Popen(
                [*lower, str(pagefind_executable()), "--service"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                env=env,
                bufsize=0,  # each request reaches Pagefind as soon as it is written
            )
        except OSError as exc:
            raise BuildFailed(f"无法启动 Pagefind：{exc}") from exc
        self._requests = _pipe(self.process.stdin)
        self._answers = _pipe(self.process.stdout)

        self.responses: dict[int | None, dict] = {}
        self._ended = False
        self._next_id = 0
        self._arrived = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        parts: list[bytes] = []  # of the message not yet complete: joined once, however large it is
        try:
            while chunk := self._answers.read(1 << 20):  # unbuffered: whatever has arrived
                if b"," not in chunk:
                    parts.append(chunk)
                    continue
                first, *others = chunk.split(b",")
                messages = [b"".join([*parts, first]), *others[:-1]]
                parts = [others[-1]]
                for message in messages:
                    response = json.loads(base64.b64decode(message))
                    with self._arrived:
                        self.responses[response.get("message_id")] = response["payload"]
                        self._arrived.notify_all()
        except (OSError, ValueError):
            pass  # a garbled or cut response: waiting callers are told the service ended
        finally:
            with self._arrived:
                self._ended = True
                self._arrived.notify_all()

    def send(self, payload: dict) -> int:
        self._next_id += 1
        message = {"message_id": self._next_id, "payload": payload}
        try:
            self._requests.write(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
        except OSError:
            raise BuildFailed(self._failure()) from None
        return self._next_id

    def wait(self, message_id: int) -> dict:
        with self._arrived:
            arrived = self._arrived.wait_for(lambda: message_id in self.responses or self._ended, TIMEOUT_SECONDS)
        if not arrived:
            raise BuildFailed(f"生成搜索索引超时（{TIMEOUT_SECONDS} 秒）")
        if message_id not in self.responses:
            raise BuildFailed(self._failure())
        self.check()
        return self.responses[message_id]

    def check(self) -> None:
        errors = [p.get("message", "") for p in list(self.responses.values()) if p.get("type") == "Error"]
        if errors:
            raise BuildFailed("生成搜索索引失败：" + " / ".join(errors[:3]))

    def _failure(self) -> str:
        self.process.poll()
        self._stderr.seek(0)
        detail = self._stderr.read().decode("utf-8", "replace").strip().splitlines()[-5:]
        return f"生成搜索索引失败：Pagefind 已退出（{self.process.returncode}）" + "".join(f" / {d}" for d in detail)

    def close(self) -> None:
        """End the process (its memory goes with it) and the reader."""
        if self.process.stdin:
            try:
                self.process.stdin.close()
            except OSError:
                pass
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join()
        self._stderr.close()


@dataclass
class _Shard:
    """One bundle: the service indexing its pages, and the key of what it was given."""

    name: str
    digest: hashlib._Hash
    added: int = 0
    service: _Service | None = None
    index_id: int = 0
    last_added: int = 0
    key: str = ""
    writer: threading.Thread | None = None
    failure: BaseException | None = None  # what stopped its writer, raised by finish()


class SearchIndex:
    """The bundles of one build: fed page by page, sealed when mkdocs has read every page, then written.

    Use as a context manager: leaving it ends every Pagefind process, whatever happened.
    """

    def __init__(self, cache_dir: Path, shard_pages: int = DEFAULT_SHARD_PAGES) -> None:
        """`shard_pages`: a positive whole number, as settings.py has checked it."""
        pagefind_executable()  # missing Pagefind fails the build before mkdocs starts
        self.cache_dir = cache_dir
        self.shard_pages = shard_pages
        self.shards: list[_Shard] = []
        self._sealed = False
        # What every bundle's key starts from: this indexing code, Pagefind's version, its settings.
        self._key_basis = hashlib.sha256(Path(__file__).read_bytes())
        self._key_basis.update(f"{version('pagefind-bin-extended')}\n{json.dumps(INDEX_CONFIG)}\n".encode())

    def add(self, url: str, document: str) -> None:
        """Index one page, given as the HTML document Pagefind is to read."""
        if self._sealed:
            raise BuildFailed(f"生成搜索索引失败：索引已完成后又收到页面 {url}")
        if not self.shards or self.shards[-1].key:
            self.shards.append(_Shard(bundle_name(len(self.shards)), self._key_basis.copy()))
        shard = self.shards[-1]
        if shard.service is None:
            shard.service = _Service()
            new_index = shard.service.send({"type": "NewIndex", "config": INDEX_CONFIG})
            shard.index_id = shard.service.wait(new_index)["index_id"]
        data = document.encode("utf-8")
        shard.digest.update(f"{url}\n{len(data)}\n".encode())
        shard.digest.update(data)
        request = {
            "type": "AddFile",
            "index_id": shard.index_id,
            "file_path": None,
            "url": url,
            "file_contents": document,
        }
        shard.last_added = shard.service.send(request)
        shard.added += 1
        if shard.added == self.shard_pages:
            self._seal(shard)

    def seal(self) -> list[str]:
        """No more pages: the last bundle is written from now on. The bundles' folder names."""
        if self.shards and not self.shards[-1].key:
            self._seal(self.shards[-1])
        self._sealed = True
        return [shard.name for shard in self.shards]

    def _seal(self, shard: _Shard) -> None:
        shard.key = shard.digest.hexdigest()
        if (self.cache_dir / shard.key / "pagefind.js").is_file():
            if shard.service is not None:
                shard.service.close()  # the same pages as a bundle already made: nothing to write
            shard.service = None
            return
        # Written on the other core while mkdocs goes on; this thread only waits.
        shard.writer = threading.Thread(target=self._write, args=(shard,), daemon=True)
        shard.writer.start()

    def _write(self, shard: _Shard) -> None:
        try:
            service = shard.service
            if service is None:  # pragma: no cover - a shard is sealed with its service running
                raise BuildFailed("生成搜索索引失败：Pagefind 已结束")
            service.wait(shard.last_added)  # every page indexed before the bundle is made
            # The bundle's bytes come back in the response and are written here: Pagefind's own
            # WriteFiles answers before its last files are on disk, so ending the process then
            # can leave them empty.
            bundle = service.wait(service.send({"type": "GetFiles", "index_id": shard.index_id}))["files"]
            service.close()
            partial = self.cache_dir / f".partial-{shard.key}"
            shutil.rmtree(partial, ignore_errors=True)
            for file in bundle:
                path = partial / file["path"]
                if Path(file["path"]).is_absolute() or ".." in Path(file["path"]).parts:
                    raise BuildFailed(f"生成搜索索引失败：Pagefind 给出了 {file['path']!r}")
                if path.name in UNUSED_FILES:
                    continue
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(base64.b64decode(file["content"]))
            if not (partial / "pagefind.js").is_file() or not (partial / "pagefind-entry.json").stat().st_size:
                raise BuildFailed(f"生成搜索索引失败：{partial} 不完整")
            entry = self.cache_dir / shard.key
            shutil.rmtree(entry, ignore_errors=True)
            os.replace(partial, entry)  # a cache entry is whole or absent
        except BaseException as exc:  # noqa: BLE001 — handed to finish(), which raises it
            shard.failure = exc

    def finish(self, site_dir: Path) -> list[str]:
        """Wait for every bundle, put each into `site_dir`, keep only these in the cache; their names."""
        if not self._sealed:
            raise BuildFailed("生成搜索索引失败：mkdocs 没有读完全部页面")
        for shard in self.shards:
            if shard.writer is not None:
                shard.writer.join()
                shard.writer = None
                if shard.failure is not None:
                    raise shard.failure
            shard.service = None
            _copy_tree(self.cache_dir / shard.key, site_dir / shard.name)
        keep = {shard.key for shard in self.shards}
        for entry in self.cache_dir.iterdir():
            if entry.name not in keep:
                shutil.rmtree(entry, ignore_errors=True)
        return [shard.name for shard in self.shards]

    def close(self) -> None:
        for shard in self.shards:
            if shard.service is not None:
                shard.service.close()
                shard.service = None
            if shard.writer is not None:
                shard.writer.join()

    def __enter__(self) -> SearchIndex:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _copy_tree(source: Path, target: Path) -> None:
    """Hard links where the file system allows them (cache entries are never changed in place), else copies."""
    try:
        shutil.copytree(source, target, copy_function=os.link)
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target)


def indexing_plugin(index: SearchIndex) -> BasePlugin:
    """The mkdocs plugin that hands each indexed page's article to `index` as soon as it is converted."""
    from mkdocs.plugins import BasePlugin

    from generator.render.environment import make_environment

    record = make_environment().get_template("search_record.html.j2")

    class IndexingPlugin(BasePlugin):
        def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
            kind = page.meta.get("pagefind")
            if kind:
                # mkdocs made this HTML from our own escaped Markdown; it is put in as it is.
                document = record.render(kind=kind, title=page.title or config.site_name, article=Markup(html))
                index.add("/" + page.url, document)
            return html

        def on_env(
            self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files
        ) -> jinja2.Environment | None:
            # Every page is converted by now and none is put into the theme yet: the search page
            # can name the bundles it merges (site_templates/overrides/main.html).
            config.extra["search_bundles"] = index.seal()
            return env

    return IndexingPlugin()
