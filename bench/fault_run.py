#!/usr/bin/env python3
"""The fault run: Redis stopped and started, Redis stalled, then PostgreSQL restarted, under load while an editor saves.

``site_bench.py`` calls :func:`fault_run`; ``python bench/fault_run.py`` runs it on its own.

What it does. It owns every service it breaks: a throwaway PostgreSQL cluster (``initdb`` into a
temporary folder, :class:`tests.servers.ThrowawayPostgres`) and a bench-owned ``redis-server``
(:class:`tests.servers.ThrowawayRedis`), both on ports in 8300-8399 — never the machine's shared
PostgreSQL or Redis. It migrates, collects static files into a temporary folder, imports and
publishes the demo article, starts gunicorn (``args.workers`` sync workers, production settings)
on ``port`` and runs seven phases back to back, each its own wrk run so figures are per fault:

1. normal (``d/2`` s, ``d`` = ``args.duration``);
2. Redis stopped (``d`` s): pages must be served uncached, 0 errors;
3. Redis back (``d/2`` s): caching resumes, invalidations that waited are sent;
4. Redis stalled (``d`` s): ``SIGSTOP`` 0.5 s into the phase, ``SIGCONT`` ``d − 1`` s later — a
   blocked server or a partition, sockets open and silent, its data kept (issue 26: the workers'
   own copies served invalidated pages); 0 errors and 0 stale reads;
5. Redis resumed (``d/2`` s): still holding the pages it had, 0 stale reads;
6. PostgreSQL restart (``max(d/2, 7)`` s): stopped 0.5 s into the phase, down ~3 s, started;
   503 + ``Retry-After`` is the designed answer while it is down, a 500 is a bug;
7. PostgreSQL back (``d/2`` s).

Total about ``4.6 × d`` s (+ set-up).

Load. Two wrk processes per phase, at the same time: the article page (``args.connections``
connections; a cache hit needs no database, so it shows what Redis being down costs) and the
home page ``/zh-hans/`` (2 connections; rendered per request from the database, so it is the one
that shows the PostgreSQL outage). A small wrk Lua script counts answers by status code, so 503s
are told apart from 500s; wrk's socket errors (connect/read/write/timeout, ``--timeout 10s``)
are reported too. gunicorn's access log (status, request, time) and error log go to the
temporary folder; every non-2xx/3xx answer is summarised by status and path in the report, and
every server log line at ERROR or with a traceback is quoted.

Edits. An editor subprocess (``fault_run.py --editor``, its own ``DATABASE_URL``/``REDIS_URL``
— the caller already ran ``django.setup()`` on another database) saves an edit every 0.5 s
through the models, as the admin does: inside ``transaction.atomic()`` and
``reversion.create_revision()``, a request-like connection life cycle (``close_old_connections``
before, ``connection.close`` after — the pool), and, on a database that cannot be reached, the
pools started afresh as the site's 503 handler does. Edit ``N`` appends marker ``FE<N>`` to
the article's Simplified lead (the save rule converts the Traditional one), so every marker is
checked, not only the last. It prints one line per edit: ``ack N t`` once the transaction
committed, ``refused N t error`` when it raised. Afterwards:

* lost = acknowledged markers missing from the lead stored in the database — must be 0;
* "in doubt" = refused edits whose marker is stored anyway (the commit reached the database but
  its answer did not reach us) — allowed, reported;
* stale = the page served ~2 s after the run does not show the last acknowledged marker;
* stale reads, per phase: a reader thread fetches the article page every 0.25 s; a probe is stale
  when it shows an older edit than one acknowledged more than 0.05 s before it asked (the
  invalidation runs on commit, before the save returns, so a fresh page is due at once).

Every process (gunicorn and its workers, wrk, the editor, redis-server, postgres) is stopped on
the way out, also on errors and Ctrl-C (SIGTERM is turned into SystemExit by ``main``).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "articles" / "demo" / "中蘇互不侵犯條約.md"
PORTS = range(8300, 8400)
EDIT_INTERVAL = 0.5
MARKER = re.compile(r"FE(\d{5})")
HOME = "/zh-hans/"
PG_DOWN_SECONDS = 3.0

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.servers import ThrowawayPostgres, ThrowawayRedis  # noqa: E402  (after the path)

# Counts answers by status; one table per wrk thread, summed in done().
WRK_SCRIPT = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + n end
  end
  for status, n in pairs(total) do io.write(string.format("status %d %d\n", status, n)) end
end
"""


# --- ports and processes -------------------------------------------------------------------------


def free_ports(count: int, exclude: set[int]) -> list[int]:
    """``count`` ports of 8300-8399 that nothing listens on and that we can bind."""
    found = []
    for port in PORTS:
        if port in exclude:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    raise RuntimeError(f"fewer than {count} free ports in 8300-8399")


def kill_group(process: subprocess.Popen, grace: float = 10) -> None:
    """SIGTERM the process group, SIGKILL after ``grace`` seconds."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@contextlib.contextmanager
def throwaway_postgres(port: int) -> Iterator[ThrowawayPostgres]:
    server = ThrowawayPostgres()
    server.port = port  # tests.servers picks any free port; the bench keeps to 8300-8399
    try:
        server.init()
        yield server
    finally:
        server.close()  # pg_ctl stop -m fast, and the folder removed


@contextlib.contextmanager
def throwaway_redis(port: int) -> Iterator[ThrowawayRedis]:
    server = ThrowawayRedis()
    server.port = port
    try:
        server.start()
        yield server
    finally:
        if server.process is not None:
            server.process.kill()
            server.process.wait(timeout=5)


def site_env(database_url: str, redis_url: str, static_root: Path) -> dict[str, str]:
    """Production-like settings (DEBUG off) on the throwaway services; plain HTTP on loopback."""
    # Not the caller's bench settings: the page cache must be on (ARTICLE_CACHE_SECONDS unset).
    dropped = {"DATABASE_URL", "REDIS_URL", "DEBUG", "ARTICLE_CACHE_SECONDS", "STATIC_ROOT"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DJANGO_SETTINGS_MODULE="treatysite.settings",
        DEBUG="0",
        SECRET_KEY="bench-only-" + os.urandom(16).hex(),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        STATIC_ROOT=str(static_root),
        LOG_LEVEL="WARNING",  # the site's "Redis unreachable" / "database unavailable" warnings
    )
    return env


def manage(env: dict[str, str], *command: str, timeout: float = 300) -> str:
    done = subprocess.run([sys.executable, "manage.py", *command], cwd=REPO, env=env, text=True,
                          capture_output=True, timeout=timeout)
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int, logs: Path) -> Iterator[subprocess.Popen]:
    """gunicorn in its own process group, access and error logs in ``logs``; killed however we leave."""
    log_file = open(logs / "error.log", "ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "treatysite.wsgi", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--timeout", "30", "--log-level", "warning",
         "--access-logfile", str(logs / "access.log"), "--access-logformat", '%(t)s %(s)s "%(r)s" %(L)s'],
        # gunicorn's error log and the site's logging (console handler) both go to stderr.
        cwd=REPO, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=log_file,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{HOME}", timeout=5).read()
                break
            except OSError:  # refused, reset, timed out (URLError and HTTPError are OSErrors too)
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (logs / "error.log").read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"gunicorn did not come up on port {port}:\n{log}") from None
                time.sleep(0.2)
        yield process
    finally:
        kill_group(process)
        log_file.close()


def fetch(url: str, timeout: float = 10) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


# --- wrk -----------------------------------------------------------------------------------------


@dataclass
class Load:
    """One wrk run: answers by status, socket errors."""

    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    socket_errors: dict[str, int] = field(default_factory=dict)
    problem: str = ""  # wrk itself failed

    @property
    def ok(self) -> int:
        return sum(n for s, n in self.statuses.items() if 200 <= s < 400)

    @property
    def unavailable(self) -> int:
        return self.statuses.get(503, 0)

    @property
    def errors(self) -> int:
        """Answers that are neither 2xx/3xx nor the designed 503."""
        return sum(n for s, n in self.statuses.items() if not 200 <= s < 400 and s != 503)

    @property
    def sockets(self) -> int:
        return sum(self.socket_errors.values())

    def describe(self) -> str:
        others = ", ".join(f"{n} × {s}" for s, n in sorted(self.statuses.items()) if not 200 <= s < 400 and s != 503)
        sockets = ", ".join(f"{k} {v}" for k, v in self.socket_errors.items() if v)
        text = (f"{self.requests:,} requests, {self.ok:,} 2xx/3xx, {self.unavailable} × 503, "
                f"{self.errors} other errors{' (' + others + ')' if others else ''}, "
                f"{self.sockets} socket errors{' (' + sockets + ')' if sockets else ''}")
        return text + (f" [wrk: {self.problem}]" if self.problem else "")


def start_wrk(url: str, seconds: int, threads: int, connections: int, script: Path) -> subprocess.Popen:
    return subprocess.Popen(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), url],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def finish_wrk(process: subprocess.Popen, seconds: int) -> Load:
    try:
        out, err = process.communicate(timeout=seconds + 30)
    except subprocess.TimeoutExpired:
        kill_group(process, grace=2)
        return Load(problem="wrk did not finish in time")
    load = Load()
    total = re.search(r"(\d+) requests in", out)
    if process.returncode or not total:
        load.problem = f"exit {process.returncode}: {(err or out).strip()[-300:]}"
    load.requests = int(total.group(1)) if total else 0
    for status, n in re.findall(r"^status (\d+) (\d+)$", out, re.MULTILINE):
        load.statuses[int(status)] += int(n)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if sockets:
        load.socket_errors = dict(zip(("connect", "read", "write", "timeout"), map(int, sockets.groups())))
    return load


# --- the editor ----------------------------------------------------------------------------------


class Editor:
    """The ``--editor`` subprocess and what it reported: acknowledged and refused edits by time."""

    def __init__(self, env: dict[str, str]) -> None:
        self.acknowledged: list[tuple[int, float]] = []
        self.refused: list[tuple[int, float, str]] = []
        self.final_lead: str | None = None
        self.path = ""
        self.other: list[str] = []
        self._ready = threading.Event()
        self._finished = threading.Event()
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--editor"], cwd=REPO, env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            kind, _, rest = line.rstrip("\n").partition(" ")
            if kind == "ready":
                self.path = rest
                self._ready.set()
            elif kind == "ack":
                n, t = rest.split()
                self.acknowledged.append((int(n), float(t)))
            elif kind == "refused":
                n, t, error = rest.split(" ", 2)
                self.refused.append((int(n), float(t), error))
            elif kind == "final":
                self.final_lead = json.loads(rest)
            else:
                self.other.append(line.rstrip("\n"))
        self._ready.set()
        self._finished.set()

    def wait_ready(self, timeout: float = 60) -> str:
        if not self._ready.wait(timeout) or not self.path:
            raise RuntimeError("the editor did not start:\n" + "\n".join(self.other[-30:]))
        return self.path

    def go(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()

    def finish(self, timeout: float = 40) -> None:
        """Stop editing (stdin closed); it reports the stored lead and exits."""
        with contextlib.suppress(BrokenPipeError, OSError):
            assert self.process.stdin is not None
            self.process.stdin.close()
        self._finished.wait(timeout)
        kill_group(self.process, grace=5)

    def kill(self) -> None:
        kill_group(self.process, grace=2)


def editor_main() -> int:
    """``--editor``: runs against ``DATABASE_URL``/``REDIS_URL``; see the module docstring."""
    import django

    django.setup()
    import reversion
    from django.db import close_old_connections, connection, transaction

    from articles import errors
    from articles.models import Article

    article = Article.objects.get()  # the throwaway database holds the seed article only
    print("ready", f"/zh-hans/articles/{quote(article.slug_zh_hans)}/", flush=True)
    connection.close()
    if sys.stdin.readline().strip() != "go":
        return 0
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()  # EOF = stop

    n = 0
    while not stop.is_set():
        n += 1
        started = time.monotonic()
        close_old_connections()  # what Django does at the start of every request
        try:
            with transaction.atomic(), reversion.create_revision():  # as VersionAdmin saves
                edited = Article.objects.select_for_update().get(pk=article.pk)
                edited.lead_zh_hans = f"{edited.lead_zh_hans} FE{n:05d}"
                edited.save()
            print("ack", n, f"{time.time():.3f}", flush=True)
        except Exception as error:  # refused: counted, and the editor goes on
            print("refused", n, f"{time.time():.3f}", f"{type(error).__name__}: {error}".replace("\n", " ")[:300],
                  flush=True)
            if errors.is_database_unavailable(error):
                errors._start_pools_afresh()  # what the site's 503 handler does
        finally:
            with contextlib.suppress(Exception):
                connection.close()  # the end of the "request": back to the pool
        stop.wait(max(0.0, EDIT_INTERVAL - (time.monotonic() - started)))

    deadline = time.monotonic() + 20  # the stored lead, once the database answers
    while True:
        close_old_connections()
        try:
            lead = Article.objects.values_list("lead_zh_hans", flat=True).get(pk=article.pk)
            break
        except Exception:
            errors._start_pools_afresh()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    print("final", json.dumps(lead, ensure_ascii=False), flush=True)
    return 0


# --- the run -------------------------------------------------------------------------------------


@dataclass
class Phase:
    label: str
    seconds: int
    started: float = 0.0  # wall clock (the editor reports wall clock)
    ended: float = 0.0
    article: Load = field(default_factory=Load)
    home: Load = field(default_factory=Load)
    events: list[str] = field(default_factory=list)


class Prober:
    """A reader fetching the article page every 0.25 s: which edit it shows, and when it asked."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.probes: list[tuple[float, int, int]] = []  # (asked at, status, newest marker shown or 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            asked = time.time()
            try:
                status, page = fetch(self.url)
            except OSError:
                status, page = 0, ""
            shown = max((int(n) for n in MARKER.findall(page)), default=0)
            self.probes.append((asked, status, shown))
            self._stop.wait(0.25)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(15)


def staleness(probes: list[tuple[float, int, int]], acknowledged: list[tuple[int, float]], start: float,
              end: float, slack: float = 0.05) -> tuple[int, int, float]:
    """Probes asked in [start, end) that answered 200, how many showed an older edit than one
    acknowledged more than ``slack`` s before they asked, and the longest such delay."""
    answered = stale = 0
    longest = 0.0
    for asked, status, shown in probes:
        if not start <= asked < end or status != 200:
            continue
        answered += 1
        missing = [t for n, t in acknowledged if n > shown and t < asked - slack]
        if missing:
            stale += 1
            longest = max(longest, asked - min(missing))
    return answered, stale, longest


def run_phase(phase: Phase, base: str, article_path: str, args: argparse.Namespace, script: Path,
              during: Callable[[Phase], None] | None = None) -> None:
    """Both wrk runs for ``phase.seconds``; ``during`` (a fault) runs in this thread meanwhile."""
    phase.started = time.time()
    article = start_wrk(base + article_path, phase.seconds, args.threads, args.connections, script)
    home = start_wrk(base + HOME, phase.seconds, 1, 2, script)
    try:
        if during is not None:
            during(phase)
        phase.article = finish_wrk(article, phase.seconds)
        phase.home = finish_wrk(home, phase.seconds)
    finally:
        kill_group(article, grace=2)
        kill_group(home, grace=2)
        phase.ended = time.time()


def summarise_access_log(log: Path, phases: list[Phase]) -> dict[str, list[str]]:
    """Non-2xx/3xx answers per phase, grouped by status and request (gunicorn's access log)."""
    by_phase: dict[str, Counter] = {p.label: Counter() for p in phases}
    pattern = re.compile(r'^\[(.+?)\] (\d{3}) "(.*?)" ([\d.]+)$')
    for line in log.read_text(errors="replace").splitlines() if log.exists() else ():
        match = pattern.match(line)
        if not match or 200 <= int(match.group(2)) < 400:
            continue
        try:  # gunicorn logs when the answer was sent: the request arrived its duration earlier
            # (in the site's TIME_ZONE: Django sets TZ in the workers, hence the offset)
            when = datetime.strptime(match.group(1), "%d/%b/%Y:%H:%M:%S %z").timestamp() - float(match.group(4))
        except ValueError:
            when = 0.0
        label = next((p.label for p in reversed(phases) if when >= p.started - 1), "set-up")
        by_phase.setdefault(label, Counter())[f"{match.group(2)} {match.group(3)}"] += 1
    return {label: [f"{n} × {what}" for what, n in counts.most_common(5)] for label, counts in by_phase.items() if counts}


def server_problems(log: Path) -> list[str]:
    """ERROR/CRITICAL lines and traceback heads from gunicorn's error log (the site logs to stderr)."""
    if not log.exists():
        return []
    lines = log.read_text(errors="replace").splitlines()
    pattern = re.compile(r"\b(ERROR|CRITICAL)\b|^Traceback|^[\w.]+(Error|Exception|Timeout)\b")
    return [line[:300] for line in lines if pattern.search(line)]


def warning_counts(log: Path) -> Counter:
    counts: Counter = Counter()
    if log.exists():
        for line in log.read_text(errors="replace").splitlines():
            if "Redis is unreachable" in line:
                counts["Redis unreachable"] += 1
            elif "Redis is reachable again" in line:
                counts["Redis reachable again"] += 1
            elif "database unavailable" in line:
                counts["database unavailable (503)"] += 1
            elif "WORKER TIMEOUT" in line:
                counts["gunicorn worker timeout"] += 1
    return counts


def fault_run(args: argparse.Namespace, port: int) -> dict[str, str]:
    """Own PostgreSQL + Redis, migrate, import and publish the seed article, gunicorn (args.workers) on `port`,
    wrk load for the run while edits are saved; returns report lines {label: text}."""
    d = max(2, int(args.duration))
    half = max(2, d // 2)
    phases = [
        Phase("normal", half),
        Phase("Redis stopped", d),
        Phase("Redis back", half),
        Phase("Redis stalled", d),
        Phase("Redis resumed", half),
        Phase("PostgreSQL restart", max(half, 7)),
        Phase("PostgreSQL back", half),
    ]
    pg_port, redis_port = free_ports(2, exclude={port})
    run_started = time.monotonic()
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-faults-")))
        script = tmp / "statuses.lua"
        script.write_text(WRK_SCRIPT)
        pg = stack.enter_context(throwaway_postgres(pg_port))
        redis = stack.enter_context(throwaway_redis(redis_port))
        env = site_env(pg.url(), redis.url, tmp / "static")
        manage(env, "migrate", "--no-input")
        manage(env, "collectstatic", "--no-input")
        manage(env, "import_wiki", str(SEED), "--status", "published")
        stack.enter_context(gunicorn(env, port, args.workers, tmp))
        editor = Editor(env)
        stack.callback(editor.kill)
        path = editor.wait_ready()
        base = f"http://127.0.0.1:{port}"
        for _ in range(10):  # warm: every worker renders it and it is cached
            status, _ = fetch(base + path)
            if status != 200:
                raise RuntimeError(f"{path} answered {status} before the faults")
        setup_seconds = time.monotonic() - run_started

        def stop_redis(phase: Phase) -> None:
            redis.stop()
            phase.events.append(f"Redis stopped at +{time.time() - phase.started:.1f} s")

        def stall_redis(phase: Phase) -> None:
            time.sleep(0.5)
            os.kill(redis.process.pid, signal.SIGSTOP)
            stopped = time.time()
            phase.events.append(f"Redis stalled (SIGSTOP) at +{stopped - phase.started:.1f} s")
            try:
                time.sleep(max(1, phase.seconds - 1))
            finally:
                os.kill(redis.process.pid, signal.SIGCONT)
            phase.events.append(f"resumed (SIGCONT) at +{time.time() - phase.started:.1f} s")

        def restart_postgres(phase: Phase) -> None:
            time.sleep(0.5)
            pg.stop()  # pg_ctl stop -m fast -w: open connections are terminated
            down = time.time()
            phase.events.append(f"PostgreSQL stopped at +{down - phase.started:.1f} s")
            time.sleep(PG_DOWN_SECONDS)
            pg.start()  # pg_ctl start -w
            up = time.time()
            phase.events.append(f"started at +{up - phase.started:.1f} s (down {up - down:.1f} s)")

        editor.go()
        prober = Prober(base + path)
        stack.callback(prober.stop)
        run_phase(phases[0], base, path, args, script)
        run_phase(phases[1], base, path, args, script, during=stop_redis)
        redis.start()
        phases[2].events.append("Redis started (empty)")
        run_phase(phases[2], base, path, args, script)
        run_phase(phases[3], base, path, args, script, during=stall_redis)
        run_phase(phases[4], base, path, args, script)
        run_phase(phases[5], base, path, args, script, during=restart_postgres)
        run_phase(phases[6], base, path, args, script)
        prober.stop()
        editor.finish()
        time.sleep(2)  # the page served after the run
        final_status, final_page = fetch(base + path)
        access = summarise_access_log(tmp / "access.log", phases)
        problems = server_problems(tmp / "error.log")
        warnings = warning_counts(tmp / "error.log")
        keep = getattr(args, "fault_logs", None)
        if keep:  # the temporary folder goes: keep the logs and the phases' times for a closer look
            Path(keep).mkdir(parents=True, exist_ok=True)
            for name in ("access.log", "error.log"):
                shutil.copy(tmp / name, Path(keep) / name)
            (Path(keep) / "phases.json").write_text(json.dumps(
                [{"label": p.label, "started": p.started, "ended": p.ended, "events": p.events} for p in phases],
                indent=2, ensure_ascii=False))
            (Path(keep) / "edits.json").write_text(json.dumps(
                {"acknowledged": editor.acknowledged, "refused": editor.refused, "stored_lead": editor.final_lead},
                ensure_ascii=False))
    run_seconds = time.monotonic() - run_started

    return report(phases, editor, prober, final_status, final_page, access, problems, warnings, args, port,
                  setup_seconds, run_seconds)


def report(phases: list[Phase], editor: Editor, prober: Prober, final_status: int, final_page: str, access: dict[str, list[str]],
           problems: list[str], warnings: Counter, args: argparse.Namespace, port: int, setup_seconds: float,
           run_seconds: float) -> dict[str, str]:
    lines: dict[str, str] = {}
    lines["fault run: set-up"] = (
        f"throwaway PostgreSQL + bench-owned Redis, gunicorn --workers {args.workers} on 127.0.0.1:{port}; wrk "
        f"-t{args.threads} -c{args.connections} on the article page + -t1 -c2 on {HOME}, --timeout 10s; "
        f"one edit every {EDIT_INTERVAL} s; {run_seconds:.0f} s in all ({setup_seconds:.0f} s set-up)")

    stored = {int(n) for n in MARKER.findall(editor.final_lead or "")}

    def edits_in(phase: Phase, index: int) -> tuple[int, int, int]:
        """Acknowledged, refused and lost edits of a phase (by the time the editor reported them)."""
        end = phases[index + 1].started if index + 1 < len(phases) else float("inf")
        start = phase.started if index else 0.0
        acked = [n for n, t in editor.acknowledged if start <= t < end]
        refused = sum(1 for _, t, _ in editor.refused if start <= t < end)
        return len(acked), refused, sum(1 for n in acked if n not in stored)

    for index, phase in enumerate(phases):
        acked, refused, lost_here = edits_in(phase, index)
        rates = f"{phase.article.requests / phase.seconds:,.0f} + {phase.home.requests / phase.seconds:,.0f} req/s"
        text = (f"{rates}; article page: {phase.article.describe()}; {HOME}: {phase.home.describe()}; "
                f"edits {acked} acknowledged, {refused} refused, "
                + (f"{lost_here} lost" if editor.final_lead is not None else "lost unknown"))
        end = phases[index + 1].started if index + 1 < len(phases) else phase.ended
        answered, stale_reads, longest = staleness(prober.probes, editor.acknowledged, phase.started, end)
        text += (f"; reader probes {answered}, {stale_reads} stale"
                 + (f" (an acknowledged edit missing for up to {longest:.1f} s)" if stale_reads else ""))
        if phase.events:
            text += "; " + ", ".join(phase.events)
        if phase.label in access:
            text += "; non-2xx/3xx answers (access log): " + "; ".join(access[phase.label])
        lines[f"fault run: {phase.label} ({phase.seconds} s)"] = text
    for label in access.keys() - {p.label for p in phases}:
        lines[f"fault run: non-2xx/3xx outside the phases ({label})"] = "; ".join(access[label])

    acknowledged = [n for n, _ in editor.acknowledged]
    lost = [n for n in acknowledged if n not in stored]
    in_doubt = [n for n, _, _ in editor.refused if n in stored]
    last = f"FE{acknowledged[-1]:05d}" if acknowledged else None
    stale = final_status != 200 or (last is not None and last not in final_page)
    reasons = Counter(error.split(":", 1)[0] for _, _, error in editor.refused)
    if editor.final_lead is None:
        lost_text = "unknown (the editor could not read the stored lead back)"
    else:
        lost_text = f"{len(lost)} lost" + (f" (markers {lost[:20]})" if lost else "")
    lines["fault run: edits"] = (
        f"{len(acknowledged)} acknowledged, {len(editor.refused)} refused"
        + (f" ({', '.join(f'{n} × {r}' for r, n in reasons.most_common())})" if reasons else "")
        + f", {lost_text}, {len(in_doubt)} refused but stored (in doubt); "
        + f"page after the run: {final_status}, " + ("STALE (last acknowledged edit missing)" if stale else "not stale")
        + (f", last acknowledged {last}" if last else ""))
    if editor.refused:
        first = editor.refused[0]
        lines["fault run: first refused edit"] = f"edit {first[0]}: {first[2][:200]}"

    redis_errors = sum(p.article.errors + p.article.sockets + p.home.errors + p.home.sockets
                       + p.article.unavailable + p.home.unavailable for p in phases[1:5])
    other_errors = sum(p.article.errors + p.article.sockets + p.home.errors + p.home.sockets for p in phases)
    unexpected_503 = sum(p.article.unavailable + p.home.unavailable for p in phases if p.label != "PostgreSQL restart")
    stall_stale = sum(staleness(prober.probes, editor.acknowledged, phases[i].started, phases[i + 1].started)[1]
                      for i in (3, 4))
    wrk_problems = [f"{p.label}: {p.article.problem or p.home.problem}" for p in phases if p.article.problem or p.home.problem]
    failures = []
    if redis_errors:
        failures.append(f"{redis_errors} errors with Redis down/back/stalled")
    if stall_stale:
        failures.append(f"{stall_stale} stale reads with Redis stalled or just resumed")
    if other_errors:
        failures.append(f"{other_errors} errors other than 503 (non-2xx/3xx or socket)")
    if unexpected_503:
        failures.append(f"{unexpected_503} × 503 outside the PostgreSQL outage")
    if lost or editor.final_lead is None:
        failures.append("lost edits" if lost else "edits not verifiable")
    if stale:
        failures.append("stale page after the run")
    if wrk_problems:
        failures.append("wrk failed (" + "; ".join(wrk_problems) + ")")
    lines["fault run: verdict"] = ("PASS (0 errors with Redis down, 0 lost edits, not stale; "
                                   "0 stale reads with Redis stalled)") if not failures \
        else "FAIL: " + "; ".join(failures)
    lines["fault run: server log"] = (", ".join(f"{n} × {w}" for w, n in warnings.most_common()) or "no warnings") + (
        f"; {len(problems)} error lines: " + " | ".join(problems[:8]) if problems else "; no ERROR lines")
    if editor.other:
        pool = [line for line in editor.other if line.startswith("error connecting in")]
        rest = [line for line in editor.other if not line.startswith(("error connecting in", "\t"))]
        lines["fault run: editor's log"] = (
            f"{len(pool)} × psycopg_pool 'error connecting' (the database was down)"
            + (f"; other lines: {' | '.join(rest[-5:])}" if rest else ""))
    return lines


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editor", action="store_true", help=argparse.SUPPRESS)  # the editor subprocess
    parser.add_argument("--port", type=int, default=8300, help="gunicorn (8300-8399; the services take two more)")
    parser.add_argument("--duration", type=int, default=10, help="d: the run takes about 3.1 × d seconds")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--fault-logs", type=Path, help="keep gunicorn's access and error logs, phases and edits here")
    args = parser.parse_args(argv)
    if not args.editor and args.port not in PORTS:
        parser.error("--port must be in 8300-8399")
    return args


def main() -> int:
    args = parse_args()
    if args.editor:
        return editor_main()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks that stop everything
    for name, value in fault_run(args, args.port).items():
        print(f"- {name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
