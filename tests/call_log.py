"""What the platform fakes share: the calls they were sent, and a wait for one to come."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, TypeVar

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
