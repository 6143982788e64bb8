"""The one Neo4j driver of the process: connectivity, schema, availability and timeouts.

Only the store and its repositories know Cypher. Every unit of work goes through `read` or
`write`, which give it a server-side timeout and race it against the availability monitor,
so a frozen or dead Neo4j turns into a 503 within about two seconds instead of a hang.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from neo4j import AsyncDriver, AsyncGraphDatabase, AsyncManagedTransaction, unit_of_work
from neo4j.exceptions import (
    ClientError,
    ConstraintError,
    DatabaseError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

import cypher
from service.errors import (
    AlreadyExists,
    BadRequest,
    ContentTooLarge,
    InvalidInput,
    ProvgraphError,
    QueryTimeout,
    Unavailable,
    field_error,
)
from service.ops.metrics import NEO4J_QUERY
from service.settings import Settings

log = logging.getLogger("provgraph.store")
T = TypeVar("T")
Work = Callable[..., Awaitable[T]]
PING_INTERVAL_S = 0.5
CONNECT_TIMEOUT_S = 2.0
GONE_AFTER = 3  # unanswered ping bounds before running work is given up (see Store.__init__)
# A ping is watched in slices of this length; its silence is counted in slices, not in wall
# time (see `Store._ping_within_bound`).
PING_SLICE_S = 0.25
# How long past its timeout we wait for Neo4j's own answer before giving up on the work
# ourselves. Neo4j checks transaction timeouts only every so often (2 s by default), so a read
# could otherwise run well past a short timeout; a write keeps the full grace, so that a
# commit already under way is never answered "nothing was written" while it lands.
GRACE_S = 5.0
SCHEMA = cypher.names("schema")
# A schema file is named `NN_<index or constraint name>`, so the names come from the files.
SCHEMA_NAMES = [name.removeprefix("schema/").split("_", 1)[1] for name in SCHEMA]


@dataclass
class ServerInfo:
    version: str = ""
    edition: str = ""


class Rows(list[Any]):
    """A list parameter of a statement. The driver formats every statement it sends for its
    debug log whether that log is on or not, and a plain list's repr (every row in it) cost
    about as much CPU as packing the rows; this one's repr is its length."""

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


def _params(params: dict[str, Any]) -> dict[str, Any]:
    return {key: Rows(value) if isinstance(value, list) else value for key, value in params.items()}


async def fetch(tx: AsyncManagedTransaction, statement: str, **params: Any) -> list[dict[str, Any]]:
    """Every row of one named statement (`cypher/<statement>.cypher`) as a dict."""
    result = await tx.run(cypher.load(statement), **_params(params))
    return [record.data() async for record in result]


async def fetch_value(tx: AsyncManagedTransaction, statement: str, **params: Any) -> Any:
    """The one value of a statement that returns one row of one column (a page as a list),
    as the driver decodes it: no per-row dict, no copy of nested lists."""
    result = await tx.run(cypher.load(statement), **_params(params))
    record = await result.single(strict=True)
    return record[0]


def is_timeout(error: Neo4jError) -> bool:
    return "TransactionTimedOut" in (error.code or "")


# A transaction Neo4j terminated: at its timeout, by an operator, or at shutdown. Met while
# taking a lock it is LockClientStopped; the driver reports both codes as client errors.
TERMINATED = ("Transaction.Terminated", "Transaction.LockClientStopped")


def is_terminated(error: Neo4jError) -> bool:
    return (error.code or "").endswith(TERMINATED)


def neo4j_error(
    error: Neo4jError, mode: str, timeout: float, elapsed: float = 0.0
) -> ProvgraphError:
    """The one mapping of what Neo4j refuses to what the caller is told. Validation keeps
    the inputs behind these from coming this far; this keeps any that do from being 500s.
    `elapsed`: how long the work ran, which tells a transaction terminated at its timeout
    from one terminated for another reason (never the caller's fault: 503)."""
    message = error.message or str(error)
    if isinstance(error, ConstraintError):
        return AlreadyExists(f"already registered: {message}")
    if is_timeout(error) or (is_terminated(error) and elapsed >= timeout):
        return QueryTimeout(_timed_out(mode, timeout))
    if is_terminated(error):
        return Unavailable(f"Neo4j ended the transaction ({message}); try again shortly.")
    if is_out_of_memory(error):
        return TransactionTooLarge(too_large(error))
    if "too large to index" in message:
        return InvalidInput(
            [
                field_error(
                    (),
                    "a value is too large for Neo4j to index (ids are at most 4096 bytes of UTF-8)",
                    "value_too_large",
                )
            ]
        )
    if isinstance(error, TransientError):
        return Unavailable(f"Neo4j could not complete the work just now ({message}); try again.")
    if isinstance(error, DatabaseError):
        return Unavailable(f"Neo4j failed on this request ({message}); try again shortly.")
    assert isinstance(error, ClientError)
    return BadRequest(f"Neo4j refused the request: {message}")


def packing_error(error: UnicodeEncodeError | OverflowError) -> InvalidInput:
    """A value the driver cannot send to Neo4j (validation should have refused it)."""
    if isinstance(error, UnicodeEncodeError):
        msg = "a text holds a lone surrogate, which is not valid Unicode"
    else:
        msg = "a number does not fit in 64 bits"
    return InvalidInput([field_error((), msg)])


def is_out_of_memory(error: Neo4jError) -> bool:
    """Neo4j's memory pool refused a transaction more memory (a TransientError): over the
    transaction's own limit (OWN_LIMIT in the message), or over all transactions' limit
    (`dbms.memory.transaction.total.max`), which the driver retries first."""
    return "OutOfMemoryError" in (error.code or "")


OWN_LIMIT = "db.memory.transaction.max"


class TransactionTooLarge(ContentTooLarge):
    """A write that Neo4j's transaction memory limit stopped; it was rolled back."""


class Store:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.driver: AsyncDriver | None = None
        self.available = False
        self.schema_applied = False
        self.server = ServerInfo()
        self.last_error = "not connected yet"
        # New requests are refused while Neo4j does not answer pings (`available`); work
        # already running is cancelled only once Neo4j is surely gone (`_gone`): a refused
        # or broken connection, or silence for GONE_AFTER bounds. A Neo4j that is merely
        # slow under load so never loses a write that was about to commit.
        self._gone = asyncio.Event()
        self._silent_since: float | None = None
        self._answers = 0  # units of work Neo4j answered (any outcome): a sign of life
        self._monitor: asyncio.Task[None] | None = None

    async def open(self, wait_s: float = 30.0) -> None:
        """Create the driver and wait (bounded) for Neo4j; start the availability monitor."""
        settings = self.settings
        if not settings.neo4j_uri:
            raise RuntimeError("NEO4J_URI must be set before the store opens")
        auth = (settings.neo4j_user, settings.neo4j_password) if settings.neo4j_password else None
        self.driver = AsyncGraphDatabase.driver(
            settings.neo4j_uri,
            auth=auth,
            connection_timeout=CONNECT_TIMEOUT_S,
            # Opening a connection needs its own time however short the query timeout is.
            connection_acquisition_timeout=max(settings.query_timeout_s, CONNECT_TIMEOUT_S),
            max_connection_pool_size=64,
            notifications_min_severity="OFF",
        )
        self._gone.set()
        deadline = asyncio.get_running_loop().time() + wait_s
        while not await self._check() and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(PING_INTERVAL_S)
        if not self.available:
            log.warning("Neo4j at %s is not reachable yet: %s", settings.neo4j_uri, self.last_error)
        self._monitor = asyncio.create_task(self._watch())

    async def close(self) -> None:
        if self._monitor:
            self._monitor.cancel()
        if self.driver:
            await self.driver.close()

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(PING_INTERVAL_S)
            await self._check()

    async def _check(self) -> bool:
        """Ping Neo4j within the unavailability bound; on the first success apply the schema.
        When it answers after being away (at start-up, after a restart, which may be an
        upgrade) read its version too."""
        try:
            await self._ping_within_bound()
            if not self.schema_applied:
                await asyncio.wait_for(self._apply_schema(), 60)
        except (TimeoutError, DriverError, Neo4jError, OSError) as error:
            if self.available:
                log.warning("Neo4j became unreachable: %s", error or type(error).__name__)
            self.available = False
            self.last_error = str(error) or type(error).__name__
            now = asyncio.get_running_loop().time()
            self._silent_since = self._silent_since or now
            silent_for = now - self._silent_since + self.settings.unavailable_after_s
            if not isinstance(error, TimeoutError) or silent_for >= GONE_AFTER * (
                self.settings.unavailable_after_s
            ):
                self._gone.set()
            return False
        if not self.available or not self.server.version:
            await self._read_server()
        if not self.available:
            log.info("Neo4j %s reachable at %s", self.server.version, self.settings.neo4j_uri)
        self.available = True
        self._silent_since = None
        self._gone.clear()
        return True

    async def _ping_within_bound(self) -> None:
        """Ping, and raise TimeoutError once Neo4j has been silent for the unavailability bound.
        Silence is counted in slices the event loop was free to watch, not in wall time: a
        loop held up by this process's own work (a big batch being parsed) is no sign of
        Neo4j's. An answer to any other unit of work meanwhile shows Neo4j is slow, not gone,
        so the count starts again. A frozen Neo4j answers nothing and is caught at the bound."""
        bound = self.settings.unavailable_after_s
        ping = asyncio.ensure_future(self._ping())
        silent, answers = 0.0, self._answers
        try:
            while True:
                done, _ = await asyncio.wait({ping}, timeout=PING_SLICE_S)
                if done:
                    return ping.result()
                if self._answers != answers:
                    silent, answers = 0.0, self._answers
                else:
                    silent += PING_SLICE_S
                if silent >= bound:
                    raise TimeoutError(f"no answer to a ping for {silent:.1f} s")
        finally:
            ping.cancel()

    async def _ping(self) -> None:
        assert self.driver is not None
        await self.driver.execute_query(
            cypher.load("health/ping"), database_=self.settings.neo4j_database
        )

    async def _read_server(self) -> None:
        """Best effort, apart from availability (a slow answer here is not silence): when
        it fails, the version stays unknown and is read again after the next ping."""
        assert self.driver is not None
        try:
            records, _, _ = await asyncio.wait_for(
                self.driver.execute_query(
                    cypher.load("health/server_version"), database_=self.settings.neo4j_database
                ),
                self.settings.unavailable_after_s,
            )
        except (TimeoutError, DriverError, Neo4jError, OSError):
            self.server = ServerInfo()
            return
        self.server = ServerInfo(records[0]["version"], records[0]["edition"])

    async def _apply_schema(self) -> None:
        assert self.driver is not None
        for name in SCHEMA:
            await self.driver.execute_query(
                cypher.load(name), database_=self.settings.neo4j_database
            )
        records, _, _ = await self.driver.execute_query(
            cypher.load("health/schema_state"),
            names=SCHEMA_NAMES,
            database_=self.settings.neo4j_database,
        )
        online = {record["name"] for record in records if record["state"] == "ONLINE"}
        self.schema_applied = online == set(SCHEMA_NAMES)

    async def read(self, work: Work[T], *args: Any, timeout_s: float | None = None) -> T:
        return await self._run("read", work, args, timeout_s)

    async def write(self, work: Work[T], *args: Any, timeout_s: float | None = None) -> T:
        """A write gets the write timeout: an admitted write is not cut at the read one."""
        return await self._run("write", work, args, timeout_s or self.settings.write_timeout_s)

    async def _run(
        self, mode: str, work: Work[T], args: tuple[Any, ...], timeout_s: float | None
    ) -> T:
        if not self.available or self.driver is None:
            raise Unavailable(f"Neo4j is unreachable ({self.last_error}); try again shortly.")
        timeout = timeout_s or self.settings.query_timeout_s
        driver = self.driver

        @unit_of_work(timeout=timeout)
        async def unit(tx: AsyncManagedTransaction) -> T:
            try:
                return await work(tx, *args)
            except TransientError as error:
                # Over its own limit the transaction would only fail again: not retried.
                if is_out_of_memory(error) and OWN_LIMIT in (error.message or ""):
                    raise TransactionTooLarge(too_large(error)) from error
                raise

        async def in_session() -> T:
            started, outcome = time.perf_counter(), "error"
            try:
                async with driver.session(database=self.settings.neo4j_database) as session:
                    if mode == "read":
                        result = await session.execute_read(unit)
                    else:
                        result = await session.execute_write(unit)
                outcome = "ok"
                self._answers += 1
                return result
            except Neo4jError:
                self._answers += 1  # an error from Neo4j is an answer too
                raise
            finally:
                NEO4J_QUERY.labels(mode, outcome).observe(time.perf_counter() - started)

        began = time.monotonic()
        task = asyncio.ensure_future(in_session())
        down = asyncio.ensure_future(self._gone.wait())
        try:
            done, _ = await asyncio.wait(
                {task, down},
                timeout=timeout + grace(mode, timeout),
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            down.cancel()
        if task not in done:
            task.cancel()
            if down in done:
                raise Unavailable(
                    f"Neo4j stopped answering ({self.last_error}); try again shortly."
                )
            raise QueryTimeout(_timed_out(mode, timeout))
        try:
            return task.result()
        except (ServiceUnavailable, SessionExpired, OSError) as error:
            raise Unavailable(f"Neo4j is unreachable ({error}); try again shortly.") from error
        except Neo4jError as error:
            raise neo4j_error(error, mode, timeout, time.monotonic() - began) from error
        except (UnicodeEncodeError, OverflowError) as error:
            raise packing_error(error) from error


def grace(mode: str, timeout: float) -> float:
    return GRACE_S if mode == "write" else min(GRACE_S, timeout)


def too_large(error: Neo4jError) -> str:
    return (
        f"Neo4j refused the transaction more memory ({error.message}); the transaction was "
        "rolled back."
    )


def _timed_out(mode: str, timeout: float) -> str:
    if mode == "write":
        return (
            f"The write did not finish within {timeout:g} s and was rolled back: nothing was "
            "written. Send it in smaller parts, or raise PROVGRAPH_WRITE_TIMEOUT."
        )
    return (
        f"The query did not finish within {timeout:g} s; narrow it (smaller depth or limit) "
        "and try again."
    )
