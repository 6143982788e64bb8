"""The local Neo4j that `provgraph serve` launched, kept running: restarted when it exits.

A thread watches the Neo4j process. When it exits (an OOM kill, a crash, a SIGKILL), the
thread starts it again on the same data folder and Bolt port, so the API's driver, which
keeps the URI it was given, finds it again; meanwhile `/health` says `restarting` and
requests get 503 with `Retry-After`. Failed starts are retried with a growing pause, a
bounded number of times; after the last one `on_give_up` is called with the reason (serve
then exits non-zero).

With several API worker processes the supervisor runs in serve's parent process only (the
one that launched Neo4j); it tells the workers that it is restarting Neo4j through a flag
file (`RestartFlag`) that each worker's `/health` reads.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from service.local_neo4j import LauncherError, LocalNeo4j, Neo4jConnection

log = logging.getLogger("provgraph.supervision")
BACKOFF_S = (1.0, 2.0, 4.0, 8.0, 15.0)  # before each start attempt; their count is the bound
POLL_S = 0.2


class RestartFlag:
    """Whether the supervisor in another process is restarting Neo4j: a file that exists
    while it does."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def restarting(self) -> bool:
        return self.path.exists()

    def set(self, restarting: bool) -> None:
        if restarting:
            self.path.touch()
        else:
            self.path.unlink(missing_ok=True)


class Neo4jSupervisor(threading.Thread):
    def __init__(
        self,
        neo4j: LocalNeo4j,
        connection: Neo4jConnection,
        on_give_up: Callable[[str], None],
        backoff_s: tuple[float, ...] = BACKOFF_S,
        flag: RestartFlag | None = None,
    ) -> None:
        super().__init__(name="neo4j-supervisor", daemon=True)
        # The same port on every restart: the URI the API was given stays right.
        port = int(connection.uri.rsplit(":", 1)[1])
        self.neo4j = neo4j
        self.connection = connection
        self.neo4j.bolt_port = port
        self.on_give_up = on_give_up
        self.backoff_s = backoff_s
        self._restarting = False
        self.flag = flag
        if flag:
            flag.set(False)
        self.restarts = 0
        self.failure: str | None = None
        self._stopping = threading.Event()

    @property
    def restarting(self) -> bool:
        return self._restarting

    @restarting.setter
    def restarting(self, restarting: bool) -> None:
        self._restarting = restarting
        if self.flag:
            self.flag.set(restarting)

    def run(self) -> None:
        # Linux's parent-death signal follows the thread that started a process: this
        # thread starts every restarted Neo4j and lives as long as serve does.
        while not self._stopping.wait(POLL_S):
            process = self.neo4j.process
            if process is None or process.poll() is None:
                continue
            log.warning(
                "The local Neo4j (pid %s) exited with code %s; restarting it",
                process.pid,
                process.returncode,
            )
            self.restarting = True
            if not self._restart():
                return
            self.restarting = False
            self.restarts += 1

    def _restart(self) -> bool:
        reason = "not tried"
        for attempt, pause in enumerate(self.backoff_s, start=1):
            if self._stopping.wait(pause):
                return False
            try:  # the exited process is reaped; its state file is overwritten
                started = self.neo4j.start()
            except LauncherError as error:
                reason = str(error)
                log.warning("Restart %d of %d failed: %s", attempt, len(self.backoff_s), reason)
                continue
            self.connection = replace(self.connection, pid=started.pid)
            log.info("The local Neo4j is back (pid %s)", started.pid)
            return True
        self.failure = (
            f"the local Neo4j exited and could not be restarted in {len(self.backoff_s)} "
            f"attempts; last reason: {reason}"
        )
        log.error("%s", self.failure)
        self.on_give_up(self.failure)
        return False

    def stop(self) -> None:
        """No more restarts (serve is stopping); the caller stops Neo4j itself."""
        self._stopping.set()
        self.join(timeout=max(self.backoff_s, default=0) + 5)
        if self.flag:
            self.flag.set(False)
