"""What the platform fakes share: serving on a free loopback port, the calls they were sent,
and a wait for one to come."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, TypeVar

from aiohttp import web

C = TypeVar("C")


class CallLog(Generic[C]):
    """Mixed into a fake that appends every request to `calls` and notifies `changed`."""

    calls: list[C]
    changed: asyncio.Condition

    async def wait_call(self, predicate: Callable[[C], bool], within: float = 5.0) -> list[C]:
        """Every call matching `predicate`, once there is one (TimeoutError after `within`)."""

        async def wait() -> None:
            async with self.changed:
                await self.changed.wait_for(lambda: any(predicate(c) for c in self.calls))

        await asyncio.wait_for(wait(), within)
        return [c for c in self.calls if predicate(c)]


async def serve_loopback(app: web.Application) -> tuple[web.AppRunner, int]:
    """`app` served on 127.0.0.1 at a port the system picks; the runner and the port."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert server is not None
    return runner, server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
