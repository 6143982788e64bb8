"""Neo4j killed under 16 concurrent writers and restarted: what was acknowledged is there and
whole, nothing is half-written, the outage answers 503 (never 500) and the API recovers
without a restart."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from service.local_neo4j import LocalNeo4j
from service.settings import Settings
from tests.conftest import ServedApp
from tests.faults import bolt_port, restart, wait_for_status, whole_records
from tests.payloads import model_run

WRITERS = 16
MAX_ATTEMPTS = 400  # per writer; with the back-off below an outage of a minute fits
BACK_OFF_S = 0.25  # after a 503, as a client would, so the outage is not a busy loop
ACKED_BEFORE_KILL = 3 * WRITERS  # the kill lands once every writer is well under way
SUCCESSES_AFTER_RESTART = 3  # per writer: "recovered" means every writer writes again
TEST_DEADLINE_S = 110.0


@dataclass
class Writer:
    """One client registering runs one by one; what it was told, with when."""

    name: str
    answers: list[tuple[float, float, int]] = field(default_factory=list)  # sent, answered
    acknowledged: set[str] = field(default_factory=set)
    transport_errors: list[str] = field(default_factory=list)

    def successes_since(self, moment: float) -> int:
        return sum(1 for sent, _, status in self.answers if sent > moment and status == 200)

    def run(self, url: str, stop: threading.Event, deadline: float) -> None:
        with httpx.Client(base_url=url, timeout=30) as http:
            for attempt in range(MAX_ATTEMPTS):
                if stop.is_set() or time.monotonic() > deadline:
                    return
                sent = time.monotonic()
                try:
                    answer = http.post(
                        "/model_run/register", json=model_run(f"{self.name}-{attempt}")
                    )
                except httpx.HTTPError as error:
                    self.transport_errors.append(repr(error))
                    continue
                self.answers.append((sent, time.monotonic(), answer.status_code))
                if answer.is_success:
                    self.acknowledged.add(answer.json()["record_info"]["id"])
                elif answer.status_code == 503:
                    time.sleep(BACK_OFF_S)


def wait_until(condition: Callable[[], bool], within_s: float, what: str) -> None:
    deadline = time.monotonic() + within_s
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {within_s:.0f} s"
        time.sleep(0.1)


def test_kill_under_concurrent_writers(tmp_path: Path) -> None:
    settings = Settings()
    neo4j = LocalNeo4j(tmp_path / "data", settings.cache_dir, bolt_port=0, auth=False)
    connection = neo4j.start()
    writers = [Writer(f"w{index}") for index in range(WRITERS)]
    stop = threading.Event()
    try:
        with ServedApp(Settings(neo4j_uri=connection.uri)) as app:
            health = f"{app.url}/health"
            deadline = time.monotonic() + TEST_DEADLINE_S
            threads = [
                threading.Thread(target=writer.run, args=(app.url, stop, deadline))
                for writer in writers
            ]
            for thread in threads:
                thread.start()
            try:
                wait_until(
                    lambda: sum(len(w.acknowledged) for w in writers) >= ACKED_BEFORE_KILL,
                    60,
                    f"{ACKED_BEFORE_KILL} acknowledged runs before the kill",
                )
                killed_at = time.monotonic()
                os.kill(connection.pid, signal.SIGKILL)
                wait_for_status(health, 503, 3.0)
                neo4j = restart(neo4j, bolt_port(connection.uri))
                wait_for_status(health, 200, 15.0)
                back_at = time.monotonic()
                wait_until(
                    lambda: all(
                        w.successes_since(back_at) >= SUCCESSES_AFTER_RESTART for w in writers
                    ),
                    30,
                    f"{SUCCESSES_AFTER_RESTART} successes of every writer after the restart",
                )
            finally:
                stop.set()
                for thread in threads:
                    thread.join(timeout=60)

        answers = [answer for writer in writers for answer in writer.answers]
        assert not [e for w in writers for e in w.transport_errors], "the API must stay up"
        unexpected = sorted({status for _, _, status in answers} - {200, 503})
        assert not unexpected, f"only 200 and 503 may answer a register: saw {unexpected}"
        cut_off = [s for sent, done, s in answers if sent < killed_at < done and s == 503]
        assert cut_off, "the kill must land while registrations are in flight (cancelled: 503)"
        during_outage = [s for _, done, s in answers if killed_at < done < back_at]
        assert 503 in during_outage, "the outage must be answered with 503"
        acknowledged = set().union(*(writer.acknowledged for writer in writers))

        present = whole_records(connection.uri)  # and every record whole, no orphan nodes
        missing = acknowledged - present
        assert not missing, f"{len(missing)} acknowledged runs are not in the database"
        # Present but not acknowledged: a commit whose answer was lost to the kill. Allowed,
        # being whole; a writer that retried it would find its outputs taken (409).
        print(
            f"{len(acknowledged)} acknowledged, {len(present - acknowledged)} committed "
            f"unacknowledged, {during_outage.count(503)} answers 503 during "
            f"{back_at - killed_at:.1f} s of outage ({len(cut_off)} cut off by the kill)"
        )
    finally:
        stop.set()
        neo4j.stop()
