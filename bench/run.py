"""Benchmark msg: seed a throwaway database, serve it with gunicorn, measure the main pages.

    .venv/bin/python bench/run.py                 # SQLite in a temp dir, 2 to 2½ minutes
    BENCH_DATABASE_URL=postgres://u:p@127.0.0.1:5432/msg_bench .venv/bin/python bench/run.py
                                                  # the same on an empty PostgreSQL database too

A harness, not a test: it prints figures and exits 0 unless something broke. Traffic goes to
127.0.0.1 only. Every load run is bounded in seconds (and, with the Python client, in requests),
and the whole script stops itself after --max-seconds. The load comes from wrk when it is
installed, else from a small threaded http.client loop in this file. See bench/README.md for the
figures and how to read them.
"""

import argparse
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # the only address this script ever sends traffic to
USERNAME = "bench"

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "errors": %d, '
    .. '"p50": %d, "p95": %d, "p99": %d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout + e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


@dataclass
class Result:
    database: str
    page: str
    path: str
    client: str
    concurrency: int
    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


@dataclass
class Page:
    name: str
    path: str
    marker: str  # text the page must contain, so we measure the page we think we measure
    logged_in: bool = True


def git_describe() -> str:
    """Return the commit being measured, marked dirty when the work tree has changes."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "an unknown commit"
    if not commit:
        return "an unknown commit (not a git checkout)"
    return f"commit {commit}{' with uncommitted changes' if dirty else ''}"


def load_average() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(*, database_url: str, port: int, static_root: Path, media_root: Path) -> dict:
    """Return the environment of a production-like msg (DEBUG off) on a throwaway database."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        BENCH_STATIC_ROOT=str(static_root),
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=database_url,
        SITE_URL=f"http://{HOST}:{port}",
        ALLOWED_HOSTS=HOST,
        CSRF_TRUSTED_ORIGINS="",
        EMAIL_URL="dummymail://",
        REDIS_URL="",
        MEDIA_ROOT=str(media_root),
        SECURE_SSL_REDIRECT="False",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def run_step(args: list[str], env: dict, what: str) -> str:
    started = time.perf_counter()
    done = subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"bench: {what} failed (exit {done.returncode})")
    print(f"  {what}: {time.perf_counter() - started:.1f} s", flush=True)
    return done.stdout


def request(
    port: int, method: str, path: str, headers: dict | None = None, body: str | None = None
) -> tuple[int, dict[str, list[str]], str]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        header_map: dict[str, list[str]] = {}
        for key, value in resp.getheaders():
            header_map.setdefault(key.lower(), []).append(value)
        return resp.status, header_map, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def wait_ready(port: int, server: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.stderr.write(log.read_text())
            raise SystemExit("bench: gunicorn exited during start-up")
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("bench: gunicorn did not answer /healthz in time")


def cookies_from(headers: dict[str, list[str]], jar: dict[str, str]) -> None:
    for line in headers.get("set-cookie", []):
        parsed = SimpleCookie()
        parsed.load(line)
        jar.update({name: morsel.value for name, morsel in parsed.items()})


def log_in(port: int, password: str) -> str:
    """Log in through allauth's real form (CSRF and all); return the Cookie header."""
    jar: dict[str, str] = {}
    status, headers, html = request(port, "GET", "/accounts/login/")
    cookies_from(headers, jar)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if status != 200 or not match:
        raise SystemExit(f"bench: login page answered {status} without a CSRF token")
    body = urlencode(
        {"csrfmiddlewaretoken": match.group(1), "login": USERNAME, "password": password}
    )
    status, headers, _ = request(
        port,
        "POST",
        "/accounts/login/",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
        },
        body=body,
    )
    cookies_from(headers, jar)
    if status != 302 or "sessionid" not in jar:
        raise SystemExit(f"bench: login answered {status} without a session cookie")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, round(pct / 100 * len(sorted_values) + 0.5 - 1e-9))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def load_python(
    port: int, path: str, headers: dict, concurrency: int, max_requests: int, seconds: float
) -> tuple[list[float], int, float]:
    """Send GET path from `concurrency` threads until max_requests or seconds run out."""
    lock = threading.Lock()
    issued = 0
    errors = 0
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        nonlocal issued, errors
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        mine: list[float] = []
        failed = 0
        while True:
            with lock:
                if issued >= max_requests or time.perf_counter() >= deadline:
                    break
                issued += 1
            started = time.perf_counter()
            try:
                # gunicorn's sync workers close each connection; http.client reopens it.
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                ok = False
            if ok:
                mine.append(time.perf_counter() - started)
            else:
                failed += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - started


def load_wrk(
    port: int, path: str, headers: dict, concurrency: int, seconds: float, script: Path
) -> tuple[int, int, float, float, float, float]:
    args = ["wrk", f"-t{min(2, concurrency)}", f"-c{concurrency}", f"-d{max(1, round(seconds))}s"]
    args += ["--timeout", "10s", "-s", str(script)]
    for key, value in headers.items():
        args += ["-H", f"{key}: {value}"]
    args.append(f"http://{HOST}:{port}{path}")
    out = subprocess.run(
        args, capture_output=True, text=True, check=True, timeout=seconds + 30
    ).stdout
    data = json.loads(out.split("WRK_JSON", 1)[1])
    return (
        data["requests"],
        data["errors"],
        data["duration_us"] / 1e6,
        data["p50"] / 1000,
        data["p95"] / 1000,
        data["p99"] / 1000,
    )


def measure(
    *,
    database: str,
    port: int,
    page: Page,
    cookie: str,
    client: str,
    concurrency: int,
    max_requests: int,
    seconds: float,
    wrk_script: Path,
) -> Result:
    headers = {"Cookie": cookie} if page.logged_in else {}
    # Warm-up: let both workers load templates and fill their caches before timing.
    load_python(port, page.path, headers, concurrency, 4 * concurrency + 10, seconds)
    if client == "wrk":
        count, errors, elapsed, p50, p95, p99 = load_wrk(
            port, page.path, headers, concurrency, seconds, wrk_script
        )
    else:
        latencies, errors, elapsed = load_python(
            port, page.path, headers, concurrency, max_requests, seconds
        )
        latencies.sort()
        count = len(latencies) + errors
        p50, p95, p99 = (percentile(latencies, p) * 1000 for p in (50, 95, 99))
    return Result(
        database=database,
        page=page.name,
        path=page.path,
        client=client,
        concurrency=concurrency,
        requests=count,
        errors=errors,
        seconds=round(elapsed, 2),
        rps=round((count - errors) / elapsed, 1),
        p50_ms=round(p50, 1),
        p95_ms=round(p95, 1),
        p99_ms=round(p99, 1),
    )


def stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def bench_database(name: str, database_url: str | None, args: argparse.Namespace) -> tuple:
    """Migrate, seed, serve and measure one database; return (seed facts, results)."""
    print(f"\n== {name} ==", flush=True)
    with tempfile.TemporaryDirectory(prefix="msg-bench-") as tmp_name:
        tmp = Path(tmp_name)
        port = free_port()
        password = secrets.token_urlsafe(16)
        env = server_env(
            database_url=database_url or f"sqlite:///{tmp / 'bench.sqlite3'}",
            port=port,
            static_root=tmp / "static",
            media_root=tmp / "media",
        )
        python = sys.executable
        run_step([python, "manage.py", "migrate", "--noinput"], env, "migrate")
        run_step([python, "manage.py", "collectstatic", "--noinput"], env, "collectstatic")
        # = keeps a password that starts with "-" from being read as an option.
        seed_args = [python, "bench/seed.py", f"--password={password}", f"--username={USERNAME}"]
        seed_args += ["--users", str(args.users), "--posts", str(args.posts)]
        seed_args += ["--comments", str(args.comments), "--likes", str(args.likes)]
        facts = json.loads(run_step(seed_args, env, "seed").strip().splitlines()[-1])
        print(f"  data: {json.dumps(facts)}", flush=True)

        log = tmp / "gunicorn.log"
        server = subprocess.Popen(
            [
                *[python, "-m", "gunicorn", "msg_project.wsgi", "-w", str(args.workers)],
                *["-b", f"{HOST}:{port}", "--error-logfile", str(log), "--log-level", "warning"],
            ],
            env=env,
            cwd=REPO,
            start_new_session=True,  # its own process group, so stop() ends the workers too
        )
        try:
            wait_ready(port, server, log)
            cookie = log_in(port, password)
            profile, detail = facts["profile"], facts["detail"]
            # Each logged-in page must show the log-out form: a member's page, not the landing
            # page or a redirect to the login form.
            member = "/accounts/logout/"
            pages = [
                Page("home", "/", member),
                Page("profile", f"/@{profile['username']}/", member),
                Page("post", f"/@{detail['username']}/{detail['pk']}/", member),
                Page("explore", "/explore/", member),
                Page("tag", "/tags/django/", member),
                Page("search", "/search/?q=django", member),
                Page("notifications", "/notifications/", member),
                Page("healthz", "/healthz", '"ok"', logged_in=False),
            ]
            for page in pages:
                status, _, html = request(
                    port, "GET", page.path, {"Cookie": cookie} if page.logged_in else {}
                )
                if status != 200 or page.marker not in html:
                    raise SystemExit(f"bench: {page.path} answered {status} without {page.marker}")
            wrk_script = tmp / "report.lua"
            wrk_script.write_text(WRK_SCRIPT)
            results = []
            for page in pages:
                for concurrency in args.concurrency:
                    result = measure(
                        database=name,
                        port=port,
                        page=page,
                        cookie=cookie,
                        client=args.client,
                        concurrency=concurrency,
                        max_requests=args.requests,
                        seconds=args.seconds,
                        wrk_script=wrk_script,
                    )
                    results.append(result)
                    print(
                        f"  {page.name:8} c={concurrency:<3} {result.requests:6} req "
                        f"{result.rps:8.1f} req/s  p50 {result.p50_ms:6.1f}  "
                        f"p95 {result.p95_ms:6.1f}  p99 {result.p99_ms:6.1f} ms  "
                        f"errors {result.errors}",
                        flush=True,
                    )
        finally:
            stop(server)
        return facts, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=20_000)
    parser.add_argument("--likes", type=int, default=5_000, help="when msg has likes")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--concurrency",
        type=lambda s: [int(n) for n in s.split(",")],
        default=[1, 8],
        help="comma-separated client counts (default 1,8)",
    )
    parser.add_argument("--requests", type=int, default=2000, help="cap per load run")
    parser.add_argument("--seconds", type=float, default=6, help="cap per load run")
    parser.add_argument("--client", choices=["auto", "python", "wrk"], default="auto")
    parser.add_argument("--max-seconds", type=int, default=900, help="stop everything after")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if args.client == "auto":
        args.client = "wrk" if shutil.which("wrk") else "python"
    if args.client == "wrk" and not shutil.which("wrk"):
        raise SystemExit("bench: wrk is not installed (apt-get install -y wrk)")

    def out_of_time(signum: int, frame: object) -> None:
        raise SystemExit(f"bench: stopped after --max-seconds={args.max_seconds}")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(args.max_seconds)

    started = time.time()
    print(
        f"msg benchmark at {git_describe()}: {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{args.workers} gunicorn workers, client {args.client}, each load run "
        + (
            f"lasting {args.seconds:g} s"
            if args.client == "wrk"
            else f"capped at {args.requests} requests or {args.seconds:g} s"
        ),
        flush=True,
    )
    # The benchmark shares the CPUs with everything else: a busy machine skews the figures.
    print(f"load average before: {load_average()}", flush=True)
    targets = [("sqlite", None)]
    if os.environ.get("BENCH_DATABASE_URL"):
        targets.append(("postgresql", os.environ["BENCH_DATABASE_URL"]))
    report: dict = {
        "date": time.strftime("%Y-%m-%d"),
        "commit": git_describe(),
        "cpus": os.cpu_count(),
        "client": args.client,
        "load_average_before": load_average(),
        "runs": [],
    }
    rows: list[Result] = []
    for name, url in targets:
        facts, results = bench_database(name, url, args)
        rows += results
        report["runs"].append(
            {"database": name, "data": facts, "results": [asdict(r) for r in results]}
        )

    print("\n| database | page | clients | requests | req/s | p50 ms | p95 ms | p99 ms | errors |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r.database} | {r.page} `{r.path}` | {r.concurrency} | {r.requests} | {r.rps} "
            f"| {r.p50_ms} | {r.p95_ms} | {r.p99_ms} | {r.errors} |"
        )
    for r in rows:
        if r.page == "home" and r.concurrency == 8:
            verdict = "met" if r.p95_ms < 100 and r.errors == 0 else "MISSED"
            print(f"target ({r.database}): home p95 < 100 ms at 8 clients: {verdict}")
    print(f"\ntotal {time.time() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
