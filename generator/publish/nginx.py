"""The nginx configuration of the published site, rendered from deploy/nginx/ with the site's one CSP.

`python -m generator.publish.nginx config` prints the server block for a real host;
`python -m generator.publish.nginx serve SITE_DIR` runs Debian's nginx in the
foreground on a free loopback port with that same block (`make serve-nginx`).
"""

from __future__ import annotations

import argparse
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import jinja2

from generator import resources, urls
from generator.settings import load_settings

NGINX = "/usr/sbin/nginx"
# Paths and names go into the configuration unquoted: keep them to characters nginx reads as one word.
_PLAIN = re.compile(r"[A-Za-z0-9_./:\[\]*-]+")


def content_security_policy(work_dir: Path | None = None) -> str:
    """The site folder's policy (mkdocs.yml `extra`, the current folder's by default), as one line."""
    return load_settings(work_dir or Path.cwd()).content_security_policy


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(resources.TEMPLATES_DIR),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _plain(value: str) -> str:
    if not _PLAIN.fullmatch(value):
        raise ValueError(f"不能写入 nginx 配置的路径或名称：{value!r}（只能含字母、数字和 _./:-）")
    return value


def render_server_config(root: Path | str, listen: str, server_name: str) -> str:
    return (
        _environment()
        .get_template("nginx.conf.j2")
        .render(
            root=_plain(str(root)),
            listen=_plain(listen),
            server_name=_plain(server_name),
            csp=content_security_policy(),
            # Glob patterns: nginx starts before a first build has written the files.
            policy_map=_glob_of(urls.NGINX_POLICY),
            alias_map=_glob_of(urls.NGINX_CODE_ALIASES),
            maps_dir=urls.NGINX_MAPS,
        )
    )


def _glob_of(path: str) -> str:
    """`a/b.map` → `a/b[.]map`: the same one file, as a pattern nginx's `include` may find no match for."""
    stem, dot, suffix = path.rpartition(".")
    return f"{stem}[{dot}]{suffix}"


def render_standalone_config(server_conf: Path, prefix: Path) -> str:
    user = pwd.getpwuid(os.geteuid()).pw_name if os.geteuid() == 0 else ""
    return (
        _environment()
        .get_template("nginx-standalone.conf.j2")
        .render(server_conf=_plain(str(server_conf)), prefix=_plain(str(prefix)), user=user)
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serve(site_dir: Path, port: int | None = None) -> Iterator[str]:
    """Run nginx in the foreground with the site's configuration; yield its base URL, stop it after."""
    port = port or free_port()
    prefix = Path(tempfile.mkdtemp(prefix="portal-nginx-"))
    try:
        server_conf = prefix / "portal.conf"
        server_conf.write_text(render_server_config(site_dir.resolve(), f"127.0.0.1:{port}", "localhost"))
        main_conf = prefix / "nginx.conf"
        main_conf.write_text(render_standalone_config(server_conf, prefix))
        # -e: the error log before the configuration is read, which defaults to /var/log.
        command = [NGINX, "-p", str(prefix), "-c", str(main_conf), "-e", str(prefix / "error.log")]
        check = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True, check=False)
        if check.returncode != 0:
            raise RuntimeError(f"nginx 配置无效：{check.stderr.strip()}")
        process = subprocess.Popen(command)
        try:
            _wait_for(port, process, prefix)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=10)
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


def _wait_for(port: int, process: subprocess.Popen, prefix: Path) -> None:
    for _ in range(100):
        if process.poll() is not None:
            log = (prefix / "error.log").read_text(errors="replace") if (prefix / "error.log").exists() else ""
            raise RuntimeError(f"nginx 未能启动：{log.strip()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nginx 没有在端口 {port} 上监听")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generator.publish.nginx", description="生成或运行网站的 nginx 配置"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    config = commands.add_parser("config", help="打印 server 配置，例：config --root /srv/jd/site")
    config.add_argument("--root", required=True, help="服务器上 SITE_DIR 的绝对路径")
    config.add_argument("--listen", default="80")
    config.add_argument("--server-name", default="jd.example.org")
    serve_cmd = commands.add_parser("serve", help="在 127.0.0.1 的空闲端口上用 nginx 预览网站，例：serve site")
    serve_cmd.add_argument("site_dir", type=Path)
    serve_cmd.add_argument("--port", type=int)
    args = parser.parse_args(argv)
    if args.command == "config":
        print(render_server_config(args.root, args.listen, args.server_name), end="")
        return 0
    if not (args.site_dir / "index.html").is_file():
        print(f"{args.site_dir} 中没有网站，请先运行 make site", file=sys.stderr)
        return 1
    with serve(args.site_dir, args.port) as url:
        print(f"nginx 已在 {url}/ 提供 {args.site_dir}（按 Ctrl+C 停止）", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
