"""A real `provgraph serve` keeps the Neo4j it launched running: SIGKILL it, and serve
restarts it (health `restarting`, then `ok`) without being restarted itself; when it
cannot, serve exits non-zero with the reason."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from service.local_neo4j import LocalNeo4j, free_port
from service.settings import Settings
from tests.faults import bolt_port, wait_for_status
from tests.payloads import model_run

REPOSITORY = Path(__file__).resolve().parents[2]
STARTUP_S = 240.0


@contextmanager
def serve(
    data_dir: Path, log: Path, workers: int = 1
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`provgraph serve` as its own process, with its own local Neo4j in `data_dir`."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEO4J_")}
    command = [sys.executable, "-m", "service.cli", "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    command += ["--data-dir", str(data_dir), "--bolt-port", "0"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=REPOSITORY, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        wait_for_status(f"http://127.0.0.1:{port}/health", 200, STARTUP_S)
        yield process, f"http://127.0.0.1:{port}"
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                process.kill()
        neo4j = launched(data_dir)
        if neo4j.status():
            neo4j.stop()


def launched(data_dir: Path) -> LocalNeo4j:
    return LocalNeo4j(data_dir, Settings().cache_dir)


def neo4j_pid(data_dir: Path) -> int:
    running = launched(data_dir).status()
    assert running, "serve's Neo4j should be running"
    return running.pid


def health_status(url: str) -> tuple[int, str, str | None]:
    try:
        answer = httpx.get(f"{url}/health", timeout=5)
    except httpx.HTTPError as error:
        return 0, repr(error), None
    return answer.status_code, answer.json()["status"], answer.headers.get("retry-after")


def test_killed_neo4j_is_restarted_and_nothing_acknowledged_is_lost(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with serve(data_dir, tmp_path / "serve.log") as (process, url):
        with httpx.Client(base_url=url, timeout=60) as http:
            acknowledged = []
            for n in range(5):
                answer = http.post("/model_run/register", json=model_run(f"kept-{n}"))
                assert answer.status_code == 200, answer.text
                acknowledged.append(answer.json()["record_info"]["id"])
            before = neo4j_pid(data_dir)
            os.kill(before, signal.SIGKILL)

            seen: list[tuple[int, str, str | None]] = []
            refused = None
            deadline = time.monotonic() + STARTUP_S
            while time.monotonic() < deadline:
                seen.append(health_status(url))
                if seen[-1][1] == "restarting" and refused is None:
                    refused = http.post("/model_run/register", json=model_run("during"))
                if seen[-1][1] == "ok" and any(s == "restarting" for _, s, _ in seen):
                    break
                time.sleep(0.2)
            statuses = [status for _, status, _ in seen]
            assert "restarting" in statuses, f"health never said restarting: {set(statuses)}"
            assert statuses[-1] == "ok", f"health did not come back: {statuses[-5:]}"
            restarting = [s for s in seen if s[1] == "restarting"]
            assert all(code == 503 and retry for code, _, retry in restarting), restarting
            assert refused is not None and refused.status_code == 503, refused
            assert refused.headers.get("retry-after"), "a 503 says when to retry"

            assert process.poll() is None, "serve itself was not restarted"
            after = neo4j_pid(data_dir)
            assert after != before
            for record_id in acknowledged:
                assert http.get(f"/records/{record_id}").status_code == 200, record_id
            answer = http.post("/model_run/register", json=model_run("after"))
            assert answer.status_code == 200, answer.text


def test_serve_exits_non_zero_with_the_reason_when_neo4j_cannot_restart(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    log = tmp_path / "serve.log"
    with serve(data_dir, log) as (process, url):
        connection = launched(data_dir).status()
        assert connection
        with socket.socket() as squatter:
            # Once Neo4j is killed its Bolt port is taken by another listener: every
            # restart attempt fails, and serve must give up rather than hang.
            squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            os.kill(connection.pid, signal.SIGKILL)
            deadline = time.monotonic() + 10
            while True:
                try:
                    squatter.bind(("127.0.0.1", bolt_port(connection.uri)))
                    break
                except OSError:
                    assert time.monotonic() < deadline, "the killed Neo4j's port stayed bound"
                    time.sleep(0.05)
            squatter.listen()
            code = process.wait(timeout=120)
    assert code not in (0, None)
    output = log.read_text()
    assert "could not be restarted" in output and "is taken" in output, output[-2000:]
