"""Benchmark the site against the database's own dump and against Datasette.

    .venv/bin/python bench/run_bench.py     # SQLite and PostgreSQL, scales 1, 100 and 1000
    .venv/bin/python bench/run_bench.py --databases sqlite --scales 1 --requests 20

For each database and scale it builds a database (scale 1 is the shipped catalogue; scale N
adds ``generate_synthetic --scale N``), serves the site with gunicorn (threaded workers) on
127.0.0.1, and measures: median and 95th-percentile latency of each page over --requests
requests; each CSV export's rows per second and time to first byte; the server's peak memory
while streaming the largest export; the same export's rows dumped by ``sqlite3 -csv`` or
PostgreSQL's ``COPY … TO STDOUT``; and, for SQLite, Datasette serving the same file. It prints
Markdown tables, rewrites the generated section of docs/benchmarks.md (between its
``bench:start`` and ``bench:end`` marks) with them and with which of issue 16's goals this
run met, and writes bench/results.json.
Only 127.0.0.1 is ever contacted.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

PROJECT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
WORK = Path(os.environ.get("BENCH_DIR", "/tmp/migration-governance-bench"))
PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args):
    subprocess.run([PYTHON, str(PROJECT / "manage.py"), *args], env=env, check=True, cwd=PROJECT)


def database_url(database, scale):
    if database == "sqlite":
        return f"sqlite:///{WORK / f'catalogue-{scale}.sqlite3'}"
    return f"{PG_SERVER}/mgbench_{scale}"


def prepare(database, scale, env, reuse):
    """A database holding the catalogue at this scale (kept between runs with --reuse)."""
    if database == "sqlite":
        path = WORK / f"catalogue-{scale}.sqlite3"
        if reuse and path.exists():
            manage(env, "migrate", "--noinput", "-v0")  # a kept database gets new migrations
            return None
        path.unlink(missing_ok=True)
    else:
        name = f"mgbench_{scale}"
        exists = subprocess.run(
            [
                "psql",
                f"{PG_SERVER}/postgres",
                "-tAc",
                f"SELECT 1 FROM pg_database WHERE datname='{name}'",
            ],
            capture_output=True,
            text=True,
        ).stdout.strip()
        if reuse and exists:
            manage(env, "migrate", "--noinput", "-v0")
            return None
        subprocess.run(
            ["psql", f"{PG_SERVER}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True
        )
        subprocess.run(
            ["psql", f"{PG_SERVER}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True
        )
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_catalogue", "-v0")
    if scale > 1:
        started = time.monotonic()
        manage(env, "generate_synthetic", "--scale", str(scale))
        seconds = time.monotonic() - started
        print(f"  generate_synthetic --scale {scale}: {seconds:.0f}s", flush=True)
        return seconds
    return None


class Server:
    """gunicorn with threaded workers, as `make serve` runs it (two processes per core, four
    threads each)."""

    def __init__(self, env):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "migration_governance.wsgi:application",
                "--bind", f"127.0.0.1:{self.port}",
                "--config", "python:migration_governance.gunicorn_hooks",
                "--worker-class", "gthread",
                "--workers", str(2 * (os.cpu_count() or 1)),
                "--threads", "4",
                "--worker-connections", "16",
                "--timeout", "300",
                "--log-level", "warning",
            ],
            env=env,
            cwd=PROJECT,
        )  # fmt: skip
        wait_for(self.port)

    def worker_pids(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def wait_for(port, path="/", timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", path)
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered on 127.0.0.1:{port}")


LEFT_OUT = re.compile(rb'data-figures-left-out="(\d+)"')


def latency(port, path, requests):
    """Median and 95th percentile in milliseconds over `requests` keep-alive requests, and
    how many figures (counts and facets) the measured answers left out, all told: work
    skipped is a miss, not speed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    timings = []
    left_out = 0
    for n in range(requests + 1):
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
        if n:  # the first request warms caches and connections
            timings.append((time.perf_counter() - started) * 1000)
            left_out += sum(int(m) for m in LEFT_OUT.findall(body))
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], left_out


def download(port, path, header=True, give_up_after=None):
    """Rows per second, first-byte time (ms) and row count of a streamed CSV (or, with
    ``header=False``, of NDJSON: a line per row, no header). With ``give_up_after``
    (seconds), a stream still running then is measured on the rows it gave so far and
    marked ``cut``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    first_byte = None
    lines = 0
    cut = False
    while chunk := response.read1(1 << 16):
        if first_byte is None:
            first_byte = (time.perf_counter() - started) * 1000
        lines += chunk.count(b"\n")
        if give_up_after and time.perf_counter() - started > give_up_after:
            cut = True
            break
    elapsed = time.perf_counter() - started
    connection.close()
    rows = max(lines - 1, 0) if header else lines
    return {
        "rows": rows,
        "rows_per_s": rows / elapsed,
        "first_byte_ms": first_byte,
        "s": elapsed,
        "cut": cut,
    }


def peak_memory_while(server, action):
    """Run `action` while sampling the workers' resident memory; return (result, peak MB)."""
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            for pid in server.worker_pids():
                try:
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            peak = max(peak, int(line.split()[1]) / 1024)
                except OSError:
                    pass
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        result = action()
    finally:
        done.set()
        sampler.join()
    return result, peak


def export_sql(env):
    """The participation export's own query, with its parameters inlined, for the dumps."""
    code = (
        "import os;"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'migration_governance.settings');"
        "import django, json; django.setup();"
        "from django.db import connection;"
        "from migration_governance.core.paging import stable_order;"
        "from migration_governance.core.export import annotated;"
        "from processes.models import Participation;"
        "from processes.lists import PARTICIPATIONS;"
        "c = PARTICIPATIONS.columns;"
        "qs = annotated(stable_order(Participation.objects.published()), c, 'http://127.0.0.1');"
        "sql, params = qs.query.sql_with_params();"
        "print(json.dumps([sql, list(params)]))"
    )
    out = subprocess.run(
        [PYTHON, "-c", code], env=env, cwd=PROJECT, capture_output=True, text=True, check=True
    ).stdout
    sql, params = json.loads(out.strip().splitlines()[-1])
    quoted = ["'" + str(p).replace("'", "''") + "'" for p in params]
    return sql % tuple(quoted)


def native_dump(database, scale, env):
    sql = export_sql(env)
    started = time.perf_counter()
    if database == "sqlite":
        path = WORK / f"catalogue-{scale}.sqlite3"
        out = subprocess.run(["sqlite3", "-csv", str(path), sql], capture_output=True, check=True)
    else:
        url = database_url(database, scale)
        out = subprocess.run(
            ["psql", url, "-c", f"COPY ({sql}) TO STDOUT WITH CSV"], capture_output=True, check=True
        )
    elapsed = time.perf_counter() - started
    rows = out.stdout.count(b"\n")
    return {"rows": rows, "rows_per_s": rows / elapsed, "s": elapsed}


def datasette(scale, requests, env):
    """Datasette on a copy of the same SQLite file: a filtered table page, the raw table's
    streamed CSV, and the streamed CSV of a view running our export's own joined SQL (the
    same columns), which is what our export does."""
    executable = BIN / "datasette"
    if not executable.exists():
        return None
    port = free_port()
    path = WORK / f"datasette-{scale}.sqlite3"
    shutil.copyfile(WORK / f"catalogue-{scale}.sqlite3", path)
    subprocess.run(
        ["sqlite3", str(path), f"CREATE VIEW participations_export AS {export_sql(env)}"],
        check=True,
    )
    process = subprocess.Popen(
        [str(executable), "serve", str(path), "-p", str(port), "--setting", "sql_time_limit_ms",
         "60000", "--setting", "max_csv_mb", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for(port, "/-/versions.json")
        database = path.stem
        table = f"/{database}/processes_participation"
        page = latency(port, f"{table}?role=chair", requests)
        stream = download(port, f"{table}.csv?_stream=on&_size=max")
        view = download(
            port, f"/{database}/participations_export.csv?_stream=on&_size=max", give_up_after=120
        )
        return {"filtered_page_ms": page, "csv": stream, "view_csv": view}
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # still streaming the view a client gave up on
            process.kill()
            process.wait()
        path.unlink(missing_ok=True)


def pages(scale):
    if scale == 1:
        details = {
            "process": "/processes/budapest-process/",
            "state": "/states/hun/",
            "organization": "/organizations/iom/",
            "event": "/events/2017-04-idm-workshop-new-york/",
            "document": "/documents/iamm/",
        }
    else:
        details = {
            "process": "/processes/synthetic-7-3/",
            "state": "/states/hun/",
            "organization": "/organizations/synthetic-org-7-1/",
            "event": "/events/synthetic-event-7-3/",
            "document": "/documents/synthetic-document-7-3/",
        }
    lists = {
        "processes": ("", "?category=rcp", "?category=rcp&scope=regional&status=active"),
        "states": ("", "?region=Europe", "?region=Europe&kind=state&role=member"),
        "organizations": ("", "?kind=intergovernmental",
                          "?kind=intergovernmental&role=secretariat&q=organization"),
        "participations": ("", "?role=chair", "?role=member&state_region=Europe&category=rcp"),
        "events": ("", "?kind=workshop", "?kind=workshop&year_from=2000&year_to=2010"),
        "documents": ("", "?kind=report", "?kind=report&year_from=2000&year_to=2010"),
    }  # fmt: skip
    result = {}
    for name, queries in lists.items():
        for label, query in zip(("unfiltered", "1 filter", "3 filters"), queries, strict=True):
            result[f"/{name}/ {label}"] = f"/{name}/{query}"
            # The same selection from the JSON API (issue 17: p50 at most 1.5x the page's).
            result[f"/api/{name}/ {label}"] = f"/api/{name}/{query}"
    # Lists stop at 100 pages (the CSV holds the rest): the deepest page served.
    result["deepest page /participations/"] = (
        "/participations/?page=100&per_page=50" if scale > 1 else "/participations/?page=5"
    )
    for kind, path in details.items():
        result[f"{kind} detail"] = path
    # The timeline and the matrix unfiltered at every scale (a bounded page of 400 events;
    # the matrix counts the selection and offers its CSVs when it is too large to draw).
    result["/timeline/"] = "/timeline/"
    result["/timeline/ filtered"] = "/timeline/?year_from=2016&year_to=2016&kind=workshop"
    result["/matrix/"] = "/matrix/"
    result["/matrix/ filtered"] = (
        "/matrix/"
        if scale == 1
        else "/matrix/?state_region=Europe&category=rcp&status=active&scope=regional"
    )
    # Finding by name: the search page (an exact name, a word shared by thousands of
    # records, two words, a state without accents), the pickers' suggestions, and a list
    # filtered by a typed name rather than a slug.
    for label, query in (
        ("exact name", "Budapest Process"),
        ("common word", "migration"),
        ("two words", "regional dialogue"),
        ("no accents", "Soderkoping"),
        ("acronym", "IOM"),
    ):
        result[f"search {label}"] = f"/search/?q={quote(query)}"
    result["suggest process"] = "/suggest/process/?q=bud"
    result["suggest state"] = "/suggest/state/?q=cote"
    result["/processes/ by typed name"] = (
        "/processes/?organization=International+Organization+for+Migration"
    )
    return result


EXPORTS = ["processes", "states", "organizations", "participations", "events", "documents"]


def run(database, scale, requests, reuse, only=()):
    url = database_url(database, scale)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_CONN_MAX_AGE": "60",
        # One client sends every request: the API's anonymous throttle would answer 429.
        "DJANGO_API_ANON_RATE": "",
    }
    env.pop("DJANGO_DEBUG", None)
    print(f"== {database}, scale {scale}", flush=True)
    generated_s = prepare(database, scale, env, reuse)
    # As `make serve` does; first, since working out the figures renders the pages.
    manage(env, "collectstatic", "--noinput", "-v0")
    # The figures every list shows, worked out ahead of time as a server process does in
    # the background for each catalogue version (migration_governance/core/figures.py); timed.
    started = time.monotonic()
    manage(env, "precompute_figures", "-v0")
    precompute_s = time.monotonic() - started
    print(f"  precompute_figures: {precompute_s:.1f}s", flush=True)
    server = Server(env)
    result = {
        "database": database,
        "scale": scale,
        "precompute_s": precompute_s,
        "generate_synthetic_s": generated_s,
        "pages": {},
        "exports": {},
    }
    try:
        for label, path in pages(scale).items():
            if only and not any(word in label for word in only):
                continue
            result["pages"][label] = latency(server.port, path, requests)
            print(f"  {label}: {result['pages'][label][0]:.1f} ms", flush=True)
        if only:  # a partial run: the pages asked for, nothing else
            return result
        # Memory must stay flat as rows grow: first a fifth of the participations (the
        # European states'), then all of them; the peaks are compared.
        subset, result["subset_peak_worker_mb"] = peak_memory_while(
            server, lambda: download(server.port, "/participations/export.csv?state_region=Europe")
        )
        result["subset_rows"] = subset["rows"]
        for name in EXPORTS:
            path = f"/{name}/export.csv"
            if name == "participations":
                stats, peak = peak_memory_while(server, lambda p=path: download(server.port, p))
                stats["peak_worker_mb"] = peak
            else:
                stats = download(server.port, path)
            result["exports"][name] = stats
            print(f"  {path}: {stats['rows']} rows, {stats['rows_per_s']:.0f} rows/s", flush=True)
        # The matrix's wide CSV, unfiltered: first byte and the worker's peak memory.
        matrix, matrix_peak = peak_memory_while(
            server, lambda: download(server.port, "/matrix/export.csv")
        )
        result["matrix_csv"] = {**matrix, "peak_worker_mb": matrix_peak}
        print(f"  /matrix/export.csv: {result['matrix_csv']['first_byte_ms']:.0f} ms", flush=True)
        # The whole list as NDJSON from the API (issue 17: at least half the CSV's rows/s).
        result["ndjson"] = {}
        for name in EXPORTS:
            path = f"/api/{name}/?format=ndjson"
            stats = download(server.port, path, header=False)
            result["ndjson"][name] = stats
            print(f"  {path}: {stats['rows']} rows, {stats['rows_per_s']:.0f} rows/s", flush=True)
        # A page while the largest export streams: threaded workers keep answering.
        streaming = threading.Thread(
            target=download, args=(server.port, "/participations/export.csv")
        )
        streaming.start()
        time.sleep(0.2)
        result["page_during_export_ms"] = latency(server.port, "/processes/?category=rcp", 20)
        streaming.join()
        result["page_idle_ms"] = latency(server.port, "/processes/?category=rcp", 20)
    finally:
        server.stop()
    result["native"] = native_dump(database, scale, env)
    print(f"  native dump: {result['native']['rows_per_s']:.0f} rows/s", flush=True)
    if database == "sqlite":
        result["datasette"] = datasette(scale, requests, env)
    return result


def markdown(results):
    lines = []
    for r in results:
        lines.append(f"\n### {r['database']}, scale {r['scale']}\n")
        if "precompute_s" in r:
            lines.append(f"`precompute_figures`: {r['precompute_s']:.1f} s.\n")
        lines.append("| page | median ms | p95 ms | figures left out |\n|---|---:|---:|---:|")
        for label, (median, p95, *left_out) in r["pages"].items():
            lines.append(f"| {label} | {median:.1f} | {p95:.1f} | {sum(left_out)} |")
        if "page_during_export_ms" not in r:  # a partial run (--only)
            continue
        during = r["page_during_export_ms"]
        idle = r.get("page_idle_ms")
        lines.append(
            f"| /processes/?category=rcp while the participations export streams | "
            f"{during[0]:.1f} | {during[1]:.1f} | {sum(during[2:])} |"
        )
        if idle:
            lines.append(
                f"| the same, idle (ratio of medians {during[0] / idle[0]:.2f}; goal ≤ 1.5) | "
                f"{idle[0]:.1f} | {idle[1]:.1f} | {sum(idle[2:])} |"
            )
        lines.append("\n| export | rows | rows/s | first byte ms |\n|---|---:|---:|---:|")
        for name, stats in r["exports"].items():
            lines.append(
                f"| /{name}/export.csv | {stats['rows']} | {stats['rows_per_s']:.0f} | "
                f"{stats['first_byte_ms']:.1f} |"
            )
        if r.get("ndjson"):
            lines.append("\n| API | ratio |\n|---|---:|")
            for name, stats in r["ndjson"].items():
                csv_rate = r["exports"][name]["rows_per_s"]
                lines.append(
                    f"| /api/{name}/?format=ndjson rows/s ÷ CSV rows/s "
                    f"({stats['rows_per_s']:.0f} ÷ {csv_rate:.0f}) | "
                    f"{stats['rows_per_s'] / csv_rate:.2f} |"
                )
            for label, (median, *_rest) in r["pages"].items():
                if label.startswith("/api/"):
                    page = r["pages"].get(label.removeprefix("/api"))
                    if page:
                        lines.append(f"| {label} p50 ÷ its page's p50 | {median / page[0]:.2f} |")
        ours = r["exports"]["participations"]
        native = r["native"]
        lines.append(
            f"\nPeak worker memory while streaming {r['subset_rows']} participations: "
            f"{r['subset_peak_worker_mb']:.0f} MB; all {ours['rows']}: "
            f"{ours['peak_worker_mb']:.0f} MB (growth "
            f"{ours['peak_worker_mb'] - r['subset_peak_worker_mb']:.1f} MB).\n"
        )
        lines.append("| ratio | value |\n|---|---:|")
        goal = "0.8" if r["database"] == "sqlite" else "1.0"
        lines.append(
            f"| our participations export ÷ native dump ({native['rows_per_s']:.0f} rows/s; "
            f"goal ≥ {goal}) | {ours['rows_per_s'] / native['rows_per_s']:.2f} |"
        )
        if r.get("datasette"):
            ds = r["datasette"]
            ours_page = r["pages"]["/participations/ 1 filter"][0]
            lines.append(
                f"| our export ÷ Datasette streaming the raw table "
                f"({ds['csv']['rows_per_s']:.0f} rows/s) | "
                f"{ours['rows_per_s'] / ds['csv']['rows_per_s']:.1f} |"
            )
            if ds.get("view_csv"):
                view = ds["view_csv"]
                cut = " (stopped after 120 s)" if view.get("cut") else ""
                lines.append(
                    f"| our export ÷ Datasette streaming a view of our export's SQL "
                    f"({view['rows_per_s']:.0f} rows/s, {view['rows']} rows{cut}; goal ≥ 3) | "
                    f"{ours['rows_per_s'] / view['rows_per_s']:.1f} |"
                )
            theirs = ds["filtered_page_ms"][0]
            lines.append(
                f"| our filtered page ÷ Datasette's filtered table page ({theirs:.1f} ms) | "
                f"{ours_page / theirs:.2f} |"
            )
    lines += growth(results)
    return "\n".join(lines)


LIST_PAGES = ("processes", "states", "organizations", "participations", "events", "documents")


def goals(results):
    """Issue 16's goals, each met or not, read from this run's figures alone."""
    rows = []

    def add(goal, database, measured, met):
        rows.append(f"| {goal} | {database} | {measured} | {'met' if met else '**not met**'} |")

    for r in results:
        if r["scale"] != max(x["scale"] for x in results) or "exports" not in r:
            continue
        db = r["database"]
        lists = {
            k: v
            for k, v in r["pages"].items()
            if k.split(" ")[0].strip("/") in LIST_PAGES and not k.startswith("/api/")
        }
        worst50 = max(v[0] for v in lists.values())
        worst95 = max(v[1] for v in lists.values())
        left = sum(v[2] for v in lists.values())
        add(
            "1. every list: exact count and facets, p50 ≤ 50 ms, p95 ≤ 150 ms",
            db,
            f"slowest p50 {worst50:.0f} ms, p95 {worst95:.0f} ms; {left} figures left out",
            worst50 <= 50 and worst95 <= 150 and left == 0,
        )
        ours = r["exports"]["participations"]
        ratio = ours["rows_per_s"] / r["native"]["rows_per_s"]
        target = 0.8 if db == "sqlite" else 1.0
        first = max(e["first_byte_ms"] for e in r["exports"].values())
        flat = ours["peak_worker_mb"] - r["subset_peak_worker_mb"] < 20
        add(
            f"2. exports ≥ {target}× the native dump, first byte ≤ 50 ms, memory flat",
            db,
            f"{ratio:.2f}×; slowest first byte {first:.0f} ms; growth "
            f"{ours['peak_worker_mb'] - r['subset_peak_worker_mb']:.0f} MB",
            ratio >= target and first <= 50 and flat,
        )
        view = (r.get("datasette") or {}).get("view_csv")
        if view:
            times = ours["rows_per_s"] / view["rows_per_s"]
            add("2. exports ≥ 3× Datasette streaming the same SQL", db, f"{times:.1f}×", times >= 3)
        matrix = r.get("matrix_csv")
        if matrix:
            add(
                "3. matrix CSV: first byte ≤ 1 s, memory < 150 MB",
                db,
                f"{matrix['first_byte_ms']:.0f} ms, {matrix['peak_worker_mb']:.0f} MB",
                matrix["first_byte_ms"] <= 1000 and matrix["peak_worker_mb"] < 150,
            )
        m50 = max(r["pages"]["/matrix/"][0], r["pages"]["/matrix/ filtered"][0])
        add("3. matrix page p50 ≤ 100 ms", db, f"{m50:.0f} ms", m50 <= 100)
        timeline = r["pages"]["/timeline/"]
        add(
            "4. /timeline/ unfiltered whole page ≤ 1 s",
            db,
            f"p50 {timeline[0]:.0f} ms, p95 {timeline[1]:.0f} ms",
            timeline[1] <= 1000,
        )
        during, idle = r["page_during_export_ms"], r["page_idle_ms"]
        add(
            "5. a page while an export streams: p50 ≤ 1.5× idle, with its facets",
            db,
            f"{during[0] / idle[0]:.2f}×; {during[2]} figures left out",
            during[0] <= 1.5 * idle[0] and during[2] == 0,
        )
        if r.get("generate_synthetic_s") and db == "sqlite":
            add(
                f"7. generate_synthetic --scale {r['scale']} ≤ 120 s",
                db,
                f"{r['generate_synthetic_s']:.0f} s",
                r["generate_synthetic_s"] <= 120,
            )
    for database in dict.fromkeys(r["database"] for r in results):
        runs = sorted((r for r in results if r["database"] == database), key=lambda r: r["scale"])
        if len(runs) < 2:
            continue
        worst = max(
            (runs[-1]["pages"][k][0] / runs[0]["pages"][k][0], k)
            for k in runs[0]["pages"]
            if k in runs[-1]["pages"]
        )
        add(
            f"6. growth from scale {runs[0]['scale']} to {runs[-1]['scale']} ≤ 3×",
            database,
            f"largest {worst[0]:.1f}× ({worst[1]})",
            worst[0] <= 3,
        )
    if not rows:
        return ""
    return "| goal | database | measured | |\n|---|---|---|---|\n" + "\n".join(rows)


def load_average():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def write_benchmarks(results, started_load, ended_load, command):
    """Replace the generated section of docs/benchmarks.md with this run's tables."""
    path = PROJECT / "docs" / "benchmarks.md"
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    text = path.read_text(encoding="utf-8")
    section = (
        f"{start}\n## The latest `make bench` (generated)\n\n"
        f"Written by `{command}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: "
        f"{os.cpu_count()} CPUs, load average {started_load} at the start and {ended_load} "
        f"at the end. Medians of {results[0].get('requests', '?')} requests after one "
        f"warm-up request.\n\n### Goals of issue 16\n\n{goals(results)}\n"
        f"{markdown(results)}\n{end}"
    )
    if start in text and end in text:
        text = text[: text.index(start)] + section + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def growth(results):
    """Goal 6: each page's median at every scale measured, and its growth from the
    smallest scale to the largest (goal: at most 3x)."""
    lines = []
    for database in dict.fromkeys(r["database"] for r in results):
        runs = sorted((r for r in results if r["database"] == database), key=lambda r: r["scale"])
        if len(runs) < 2:
            continue
        scales = [r["scale"] for r in runs]
        lines.append(
            f"\n### {database}: growth of each page's median, scale {scales[0]} to {scales[-1]}\n"
        )
        lines.append(
            "| page | "
            + " | ".join(f"scale {s} ms" for s in scales)
            + " | growth |\n|---|"
            + "---:|" * (len(scales) + 1)
        )
        for label in runs[0]["pages"]:
            medians = [r["pages"].get(label, (None,))[0] for r in runs]
            if None in medians:
                continue
            ratio = medians[-1] / medians[0]
            mark = " **over 3x**" if ratio > 3 else ""
            cells = " | ".join(f"{m:.1f}" for m in medians)
            lines.append(f"| {label} | {cells} | {ratio:.1f}{mark} |")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--scales", default="1,100,1000")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--reuse", action="store_true", help="keep databases built before")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated words: measure only the pages whose label holds one "
        "(e.g. --only search,suggest); no exports, native dumps or Datasette",
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print the tables; leave docs/benchmarks.md alone"
    )
    args = parser.parse_args()
    only = tuple(word for word in args.only.split(",") if word)
    WORK.mkdir(parents=True, exist_ok=True)
    if not shutil.which("gunicorn", path=str(BIN)):
        sys.exit("gunicorn is not installed: pip install -e '.[bench]'")
    started_load = load_average()
    results = [
        run(database, int(scale), args.requests, args.reuse, only)
        for database in args.databases.split(",")
        for scale in args.scales.split(",")
    ]
    for r in results:
        r["requests"] = args.requests
    (PROJECT / "bench" / "results.json").write_text(json.dumps(results, indent=2))
    print(markdown(results))
    if not only and not args.no_write:
        command = "bench/run_bench.py " + " ".join(sys.argv[1:])
        write_benchmarks(results, started_load, load_average(), command.strip())
        print("\ndocs/benchmarks.md: the generated section is rewritten.")


if __name__ == "__main__":
    main()
