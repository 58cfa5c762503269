"""A graceful restart (kill -HUP on gunicorn's master) or stop (kill -TERM, as a process
manager's deploy does) lets a running export finish, with the options `make serve` uses;
and a stream that is cut anyway (a stop with too short a grace: the workers are killed)
is visible to the client as cut (no last chunk), as docs/csv.md says."""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
SERVE = (PROJECT / "migration_governance" / "serve.sh").read_text()


def serve_option(name):
    """The value serve.sh gives gunicorn's ``--name`` when no variable overrides it."""
    match = re.search(rf"--{name} \"?\$\{{[A-Z_]+:-(\d+)\}}\"?", SERVE) or re.search(
        rf"--{name} (\d+)", SERVE
    )
    return int(match.group(1))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def export_across_a_restart(graceful_timeout, signum=signal.SIGHUP):
    """Start an export, signal the master once its first row has come, read the rest."""
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "tests.slow_stream_app:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--worker-class",
            "gthread",
            "--workers",
            "1",
            "--threads",
            "2",
            "--graceful-timeout",
            str(graceful_timeout),
        ],
        cwd=PROJECT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(PROJECT)},
    )
    try:
        for _ in range(100):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request("GET", "/export.csv")
                break
            except OSError:
                time.sleep(0.1)
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Transfer-Encoding") == "chunked"
        first = response.readline()
        server.send_signal(signum)
        try:
            return first + response.read()
        except http.client.IncompleteRead as cut:
            return ("cut", first + cut.partial)
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM], ids=["HUP", "TERM"])
def test_a_graceful_restart_lets_a_running_export_finish(signum):
    graceful = serve_option("graceful-timeout")
    assert graceful >= 60, "make serve should give running exports time to finish"
    body = export_across_a_restart(graceful, signum)
    assert body == b"n\n" + b"".join(f"{n}\n".encode() for n in range(30))


def test_an_export_cut_by_a_too_short_grace_is_seen_as_cut_by_the_client():
    outcome = export_across_a_restart(1, signal.SIGTERM)
    assert isinstance(outcome, tuple) and outcome[0] == "cut"
    assert outcome[1].endswith(b"\n")  # it ends at a row boundary: only the chunking tells
