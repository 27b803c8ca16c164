"""Ordered, size-bounded concurrent maps for coroutine functions: ``GreenPool.imap`` in async code.

``async for result in aio.imap(fetch_async, urls, size=pool.size)`` runs at most ``size``
calls at once, starts the next as soon as one finishes, and yields results in input order,
as ``GreenPool.imap`` does for green threads. An exception is raised at its place in the
order; the calls still running are then cancelled. The bound is the pool's size, counted
separately from the green threads the pool itself runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any, TypeVar

__all__ = ["gather", "imap", "starmap"]

T = TypeVar("T")


async def starmap(
    function: Callable[..., Awaitable[T]], iterable: Iterable[Any], size: int = 1000
) -> AsyncIterator[T]:
    """Like ``itertools.starmap``, at most ``size`` calls at a time; results in input order."""
    if size < 1:
        raise ValueError("size must be at least 1")
    slots = asyncio.Semaphore(size)
    started: asyncio.Queue[asyncio.Future[T] | None] = asyncio.Queue()

    async def start_calls() -> None:
        # A producer of its own, so a slot freed by any call starts the next one.
        try:
            for args in iterable:
                await slots.acquire()
                call = asyncio.ensure_future(function(*args))
                call.add_done_callback(lambda _: slots.release())
                started.put_nowait(call)
        finally:
            started.put_nowait(None)

    producer = asyncio.ensure_future(start_calls())
    try:
        while (call := await started.get()) is not None:
            yield await call
        await producer  # an error from the iterable itself
    finally:
        producer.cancel()
        while not started.empty():
            pending = started.get_nowait()
            if pending is not None:
                pending.cancel()


def imap(
    function: Callable[..., Awaitable[T]], *iterables: Iterable[Any], size: int = 1000
) -> AsyncIterator[T]:
    """Like ``map``, at most ``size`` calls at a time; results in input order."""
    return starmap(function, zip(*iterables, strict=False), size=size)


async def gather(
    function: Callable[..., Awaitable[T]], *iterables: Iterable[Any], size: int = 1000
) -> list[T]:
    """Every result of ``imap`` as a list."""
    return [result async for result in imap(function, *iterables, size=size)]
