"""OpenLineage emitters for the benchmarks: each POSTs one event a request over its own
keep-alive HTTP/1.1 connection and sends the next only when the last one is answered, as
the openlineage client's HTTP transport does (`POST /api/v1/lineage`, a JSON body,
`Content-Type: application/json`).

The requests are written by hand on plain sockets instead of through httpx: on a 2-core
machine the client shares the cores with the API and Neo4j, and httpx spends a few
milliseconds of CPU per request, which would be counted against the service. Real
emitters run elsewhere; here each request costs the client tens of microseconds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

PATH = "/api/v1/lineage"


def request(host: str, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    lines = [
        f"POST {PATH} HTTP/1.1",
        f"Host: {host}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        *(f"{name}: {value}" for name, value in (headers or {}).items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _answer(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    length = 0
    for line in header_lines:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
        elif name.strip().lower() == "transfer-encoding":
            raise RuntimeError("the emitters read only Content-Length answers")
    return status, await reader.readexactly(length)


async def _emit(
    url: str, runs: Iterator[Iterable[bytes]], clients: int, latencies: list[float]
) -> None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80

    async def emitter() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for events in runs:  # shared: each emitter takes the next run when it is free
                for body in events:
                    started = time.perf_counter()
                    writer.write(request(parts.netloc, body))
                    status, answer = await _answer(reader)
                    latencies.append(time.perf_counter() - started)
                    if status != 201:
                        raise RuntimeError(f"{PATH}: {status} {answer[:500]!r}")
        finally:
            writer.close()

    await asyncio.gather(*(emitter() for _ in range(clients)))


def emit(url: str, runs: list[list[bytes]], clients: int) -> tuple[float, list[float]]:
    """Seconds to send every run's events (in order within a run) from `clients` concurrent
    emitters, and each request's latency."""
    latencies: list[float] = []
    started = time.perf_counter()
    asyncio.run(_emit(url, iter(runs), clients, latencies))
    return time.perf_counter() - started, latencies
