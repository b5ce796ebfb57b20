"""Serve the benchmark site from its own process: nginx when installed, else newsclean's static server."""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

logger = logging.getLogger(__name__)

STARTUP_TIMEOUT = 10.0
SBIN_PATH = "/usr/sbin:/usr/local/sbin"
NGINX_CONF = """\
daemon off;
master_process off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    types {{ text/html html; application/xml xml; text/plain txt; }}
    default_type application/octet-stream;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html;
    }}
}}
"""


@dataclass
class SiteProcess:
    """A server process for one site folder; `kind` is "nginx" or "python"."""

    kind: str
    process: subprocess.Popen[bytes]
    base_url: str

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def serve(root: Path, workdir: Path, kind: str = "auto") -> SiteProcess:
    """Start a server for `root` ("auto": nginx if on PATH, else python)."""
    nginx = shutil.which("nginx") or shutil.which("nginx", path=SBIN_PATH)
    if kind == "nginx" or (kind == "auto" and nginx):
        if not nginx:
            raise RuntimeError("nginx is not installed (apt-get install nginx)")
        return _serve_nginx(nginx, root.resolve(), workdir.resolve())
    return _serve_python(root.resolve())


def _serve_nginx(nginx: str, root: Path, workdir: Path) -> SiteProcess:
    prefix = workdir / "nginx"
    prefix.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(NGINX_CONF.format(prefix=prefix, port=port, root=root), "utf-8")
    command = [nginx, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
    _wait_listening(process, port)
    return SiteProcess("nginx", process, f"http://127.0.0.1:{port}")


def _serve_python(root: Path) -> SiteProcess:
    command = [sys.executable, "-m", "newsclean.siteserver", str(root)]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
    assert process.stdout is not None
    line = process.stdout.readline().decode("utf-8").strip()
    if not line.startswith("serving "):
        process.kill()
        raise RuntimeError(f"newsclean.siteserver did not start: {line!r}")
    base_url = line.rsplit(" at ", 1)[1]
    _wait_listening(process, int(base_url.rsplit(":", 1)[1]))
    return SiteProcess("python", process, base_url)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_listening(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the site server exited with status {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"the site server did not listen on port {port} within {STARTUP_TIMEOUT:.0f} s")
