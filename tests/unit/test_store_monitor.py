"""The availability monitor tells a frozen Neo4j from a slow one (service/store.py: Store._check).

Neo4j is replaced here by a stand-in driver whose ping answers when the test says so: what is
tested is the monitor's arithmetic of silence, which needs no database. The real Neo4j frozen
with SIGSTOP is tested in tests/integration/test_faults.py.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from service.settings import Settings
from service.store import Store

BOUND_S = 1.0


class StandInDriver:
    """Answers a ping after `delay_s`; never, when it is None (a frozen Neo4j)."""

    def __init__(self, delay_s: float | None) -> None:
        self.delay_s = delay_s

    async def execute_query(self, *_: Any, **__: Any) -> tuple[list[dict[str, str]], None, None]:
        if self.delay_s is None:
            await asyncio.Event().wait()
        await asyncio.sleep(self.delay_s or 0)
        return [{"version": "5.26.0", "edition": "community"}], None, None


def store_with(driver: StandInDriver) -> Store:
    settings = Settings(neo4j_uri="bolt://stand-in:7687")
    store = Store(settings.model_copy(update={"unavailable_after_s": BOUND_S}))
    store.driver = driver  # type: ignore[assignment]
    store.schema_applied = True
    return store


def check(store: Store) -> tuple[bool, float]:
    async def timed() -> tuple[bool, float]:
        began = time.monotonic()
        return await store._check(), time.monotonic() - began

    return asyncio.run(timed())


def test_a_frozen_neo4j_is_unavailable_at_the_bound() -> None:
    store = store_with(StandInDriver(delay_s=None))
    available, took = check(store)
    assert not available and not store.available
    assert BOUND_S <= took < BOUND_S + 1.0
    assert "no answer to a ping" in store.last_error


def test_a_ping_answered_within_the_bound_keeps_it_available() -> None:
    store = store_with(StandInDriver(delay_s=0.3))
    available, took = check(store)
    assert available and store.available and took < BOUND_S


def test_an_event_loop_held_up_by_our_own_work_is_not_neo4j_silence() -> None:
    # The loop is blocked for three bounds (as by parsing a big batch), and the ping's answer
    # comes 0.3 s after it is free again: on the wall clock alone that is a timeout.
    store = store_with(StandInDriver(delay_s=3 * BOUND_S + 0.3))

    async def blocked_loop() -> bool:
        checking = asyncio.ensure_future(store._check())
        await asyncio.sleep(0.05)
        time.sleep(3 * BOUND_S)
        return await checking

    assert asyncio.run(blocked_loop()) and store.available


def test_a_slow_neo4j_that_answers_other_work_stays_available() -> None:
    # The ping waits three bounds behind other work, which Neo4j keeps answering meanwhile.
    store = store_with(StandInDriver(delay_s=3 * BOUND_S))

    async def other_work_answered() -> None:
        for _ in range(int(3 * BOUND_S / 0.2)):
            await asyncio.sleep(0.2)
            store._answers += 1  # as Store._run counts each unit of work Neo4j answers

    async def slow() -> bool:
        answering = asyncio.ensure_future(other_work_answered())
        available = await store._check()
        await answering
        return available

    assert asyncio.run(slow()) and store.available
