"""Several API processes on one Neo4j: concurrent duplicates sent to two processes write
once, and `provgraph serve --workers N` launches and supervises one local Neo4j for all its
workers."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
from neo4j import Driver

from tests.conftest import Neo4jUnderTest
from tests.integration.test_scale_out import api_process
from tests.integration.test_supervision import STARTUP_S, health_status, neo4j_pid, serve
from tests.payloads import model_run, seed_code_run
from tests.stored import counts

SENDERS = 8  # concurrent duplicates, half to each process


@pytest.fixture()
def two_processes(
    neo4j_server: Neo4jUnderTest, clean_graph: None, tmp_path: Path
) -> Iterator[list[str]]:
    with ExitStack() as stack:
        yield [
            stack.enter_context(api_process(neo4j_server.uri, neo4j_server, tmp_path / f"{n}.log"))
            for n in ("a", "b")
        ]


def all_at_once(
    urls: list[str], send: Callable[[httpx.Client], httpx.Response]
) -> list[httpx.Response]:
    """`send` from SENDERS threads released together, alternating between the processes."""
    clients = [httpx.Client(base_url=urls[n % 2], timeout=120) for n in range(SENDERS)]
    for client in clients:  # connections open before the start, so the requests overlap
        assert client.get("/health").status_code == 200
    start = threading.Barrier(SENDERS)
    answers: list[httpx.Response | None] = [None] * SENDERS

    def sender(n: int) -> None:
        start.wait()
        answers[n] = send(clients[n])

    threads = [threading.Thread(target=sender, args=(n,)) for n in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client in clients:
        client.close()
    assert all(answer is not None for answer in answers)
    return [answer for answer in answers if answer is not None]


def test_one_idempotency_key_sent_to_two_processes_at_once_writes_once(
    two_processes: list[str], db: Driver
) -> None:
    body = model_run("raced")
    answers = all_at_once(
        two_processes,
        lambda http: http.post(
            "/model_run/register", json=body, headers={"Idempotency-Key": "race-1"}
        ),
    )
    assert {answer.status_code for answer in answers} == {200}, [a.text for a in answers]
    assert len({answer.json()["record_info"]["id"] for answer in answers}) == 1
    replayed = [answer.headers.get("Idempotent-Replayed") == "true" for answer in answers]
    assert replayed.count(False) == 1, replayed
    assert counts(db)["records"] == 1


def test_one_fairdp_uuid_sent_to_two_processes_at_once_writes_once(
    two_processes: list[str], db: Driver
) -> None:
    body = seed_code_run() | {"uuid": "00000000-0000-4000-9000-0000000000aa"}
    answers = all_at_once(two_processes, lambda http: http.post("/api/code_run/", json=body))
    codes = sorted(answer.status_code for answer in answers)
    assert codes == [200] * (SENDERS - 1) + [201], [a.text for a in answers]
    assert len({answer.json()["url"] for answer in answers}) == 1
    assert counts(db)["records"] == 1


def worker_pids(parent: int) -> set[int]:
    """The processes `parent` spawned as API workers (multiprocessing's spawn)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == parent and b"spawn_main" in command:
            found.add(int(stat.parent.name))
    return found


def neo4j_processes(data_dir: Path) -> int:
    """How many Java processes run a Neo4j on `data_dir`."""
    running = 0
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = cmdline.read_bytes()
        except OSError:
            continue
        if b"java" in command and str(data_dir).encode() in command:
            running += 1
    return running


def test_serve_with_two_workers_launches_and_supervises_one_neo4j(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with serve(data_dir, tmp_path / "serve.log", workers=2) as (process, url):
        assert len(worker_pids(process.pid)) == 2
        assert neo4j_processes(data_dir) == 1
        with httpx.Client(base_url=url, timeout=60) as http:
            for n in range(4):  # new connections: the kernel spreads them over the workers
                with httpx.Client(base_url=url, timeout=60) as fresh:
                    answer = fresh.post("/model_run/register", json=model_run(f"w-{n}"))
                    assert answer.status_code == 200, answer.text
            os.kill(neo4j_pid(data_dir), signal.SIGKILL)
            statuses: list[str] = []
            deadline = time.monotonic() + STARTUP_S
            while time.monotonic() < deadline:
                statuses.append(health_status(url)[1])
                if statuses[-1] == "ok" and "restarting" in statuses:
                    break
                time.sleep(0.2)
            # Each worker tells from the parent's flag file that its Neo4j is restarting.
            assert "restarting" in statuses, set(statuses)
            assert statuses[-1] == "ok", statuses[-5:]
            assert neo4j_processes(data_dir) == 1
            assert process.poll() is None
            assert http.post("/model_run/register", json=model_run("after")).status_code == 200
    assert neo4j_processes(data_dir) == 0
