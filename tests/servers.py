"""Throwaway servers for fault tests: a PostgreSQL cluster and a gunicorn of the site.

Fault tests must never stop the machine's shared PostgreSQL (other suites run against it), so
they start their own: ``initdb`` into a temporary folder with Debian's binaries, on a free port,
run as the ``postgres`` user (PostgreSQL refuses to run as root).
"""
from __future__ import annotations

import contextlib
import glob
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


def postgres_bin() -> Path | None:
    """Debian's PostgreSQL server binaries, newest version first, if installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(found[0]).parent if found else None


class ThrowawayPostgres:
    """A PostgreSQL cluster of our own in a temporary folder; role ``root``, trust auth."""

    def __init__(self) -> None:
        self.bin = postgres_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL server binaries not found under /usr/lib/postgresql")
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="treatysite-pg-"))
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"

    def _as_postgres(self, *command: str, timeout: float = 60) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        result = subprocess.run([*prefix, *command], capture_output=True, timeout=timeout, text=True, cwd=self.dir)
        if result.returncode:
            raise RuntimeError(f"{command[0]} failed: {result.stderr[-2000:]} {result.stdout[-1000:]}")

    def url(self, database: str = "site") -> str:
        return f"postgres://root@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        self._as_postgres(str(self.bin / "initdb"), "-D", str(self.data), "--auth=trust", "--username=root",
                          "--encoding=UTF8", "--locale=C.UTF-8")
        self.start()
        subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "root", "-d", "postgres",
                        "-c", "CREATE DATABASE site"], check=True, capture_output=True, timeout=60)

    def pg_ctl(self, action: str, *extra: str) -> None:
        self._as_postgres(str(self.bin / "pg_ctl"), action, "-D", str(self.data), "-w", "-t", "60",
                          "-l", str(self.dir / "log"), *extra)

    def start(self) -> None:
        self.pg_ctl("start", "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir}")

    def stop(self) -> None:
        self.pg_ctl("stop", "-m", "fast")

    def restart(self) -> None:
        """Like an operator's restart: open connections are terminated."""
        self.pg_ctl("restart", "-m", "fast", "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir}")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


STATIC_ROOT = Path(tempfile.gettempdir()) / "treatysite-test-static"


def site_env(**extra: str) -> dict[str, str]:
    """Production settings (DEBUG off) for a server on loopback; static files collected into a
    temporary folder (run ``collectstatic`` with this environment first)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    env.update(SECRET_KEY="fault-test-only", ALLOWED_HOSTS="127.0.0.1,localhost", SECURE_SSL_REDIRECT="0",
               DJANGO_SETTINGS_MODULE="treatysite.settings", STATIC_ROOT=str(STATIC_ROOT), **extra)
    return env


def manage(env: dict[str, str], *command: str) -> None:
    subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True,
                   timeout=300)


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int = 1) -> Iterator[int]:
    """The site under gunicorn on a free loopback port; yields the port."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "treatysite.wsgi", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--timeout", "30"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start: " + process.stderr.read().decode()[-2000:])
                time.sleep(0.2)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


class Browser:
    """Just enough of a browser for loopback tests: keeps cookies, speaks HTTPS to Django through
    ``X-Forwarded-Proto`` (as behind the production proxy), so secure cookies and CSRF work."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        origin = f"https://127.0.0.1:{self.port}"
        path = urllib.parse.quote(path, safe="/?=&%:")
        headers = {"X-Forwarded-Proto": "https", "Referer": origin + path, "Origin": origin}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, urllib.parse.quote(path, safe="/?=&%:"), body=body, headers=headers)
            response = connection.getresponse()
            for cookie in response.msg.get_all("Set-Cookie") or []:
                name, _, value = cookie.split(";", 1)[0].partition("=")
                self.cookies[name.strip()] = value.strip()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
        finally:
            connection.close()

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        return self.request("GET", path)

    def admin_login(self, username: str, password: str) -> int:
        """Log in through the admin's login form; returns the status of the form post (302 = in)."""
        self.get("/admin/login/")
        status, _, _ = self.request("POST", "/admin/login/?next=/admin/", {
            "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), "username": username,
            "password": password, "next": "/admin/",
        })
        return status


class ThrowawayRedis:
    """A redis-server of our own on a free port (never the shared one), stopped and started at will."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
