"""A small, cheap HTTP/1.1 load generator: keep-alive connections sending prepared requests.

A general-purpose client (httpx) costs more CPU per request than a warm
cached GraphQL answer costs the server, and on a two-core machine the client
shares the cores with the server: it would measure itself. This one writes
prepared request bytes on raw asyncio streams and reads each answer by its
``Content-Length``, nothing more, so that the server is what is measured.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

__all__ = ["LoadResult", "hammer", "post_graphql"]


def post_graphql(url: str, query: str, variables: dict[str, object] | None = None) -> bytes:
    """The bytes of a ``POST`` of one GraphQL operation to ``url`` (keep-alive, JSON)."""
    parts = urlsplit(url)
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    head = (
        f"POST {parts.path or '/'} HTTP/1.1\r\n"
        f"Host: {parts.netloc}\r\n"
        "Content-Type: application/json\r\n"
        "Accept: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "\r\n"
    )
    return head.encode() + body


@dataclass
class LoadResult:
    """What a run of :func:`hammer` saw."""

    requests: int = 0
    seconds: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    """Connection-level failures by kind (the run reconnects and goes on)."""
    bodies_with_errors: int = 0
    """200 answers whose JSON body has an ``errors`` member."""
    latencies_ms: list[float] = field(default_factory=list)
    """A sample (every 10th answer) of latencies."""

    @property
    def per_second(self) -> float:
        """Answers per second."""
        return self.requests / self.seconds if self.seconds else 0.0


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length is None:
        raise ValueError("an answer without Content-Length")
    return status, await reader.readexactly(length)


async def hammer(
    url: str,
    requests: Sequence[bytes] | Callable[[int], bytes],
    *,
    connections: int,
    duration_s: float,
    check_body: bool = False,
) -> LoadResult:
    """Send ``requests`` (in turn, or ``requests(n)`` for the n-th) over ``connections`` for ``duration_s``.

    Each connection sends its next request when the previous answer is read
    (no pipelining), like a browser or a mobile app. ``check_body`` looks for
    ``"errors"`` in every 200 body (costs the client some CPU).
    """
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    result = LoadResult()
    counter = itertools.count()
    pick: Callable[[int], bytes] = requests if callable(requests) else (lambda n: requests[n % len(requests)])
    loop = asyncio.get_running_loop()
    stop_at = loop.time() + duration_s

    async def connection() -> None:
        while loop.time() < stop_at:
            try:
                reader, writer = await asyncio.open_connection(host, port)
            except OSError as exc:
                result.errors[type(exc).__name__] += 1
                await asyncio.sleep(0.05)
                continue
            try:
                while loop.time() < stop_at:
                    n = next(counter)
                    sent = time.perf_counter()
                    writer.write(pick(n))
                    status, body = await _read_response(reader)
                    result.requests += 1
                    result.statuses[status] += 1
                    if n % 10 == 0:
                        result.latencies_ms.append((time.perf_counter() - sent) * 1000)
                    if check_body and status == 200 and b'"errors"' in body:
                        result.bodies_with_errors += 1
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                result.errors[type(exc).__name__] += 1
            finally:
                writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(connections)))
    result.seconds = time.perf_counter() - began
    return result
