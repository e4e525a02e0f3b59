"""The Discord outbox: what the core says on its own (questions, reveals, podiums, notices to a
teacher) posted and edited through discord.py's REST client, which also waits out 429s."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, TypeVar

import discord
from discord.http import handle_message_parameters

from bot.adapters.discord.render import render
from bot.core.fit import DISCORD
from bot.core.messages import Channel, Limits, Person, Reply, part_key
from bot.core.ports import MessageRef, PlaceGone

T = TypeVar("T")
UNKNOWN_CHANNEL = 10003
CANNOT_DM = 50007


async def guarded(work: Awaitable[T]) -> T:
    """`work`, with "this place is gone for the bot" told apart from a passing error: a deleted
    channel (10003), missing access or permissions (403) become PlaceGone."""
    try:
        return await work
    except discord.NotFound as exc:
        if exc.code == UNKNOWN_CHANNEL:
            raise PlaceGone("the channel was deleted") from exc
        raise
    except discord.Forbidden as exc:
        if exc.code == CANNOT_DM:
            raise PlaceGone("the user does not accept direct messages") from exc
        raise PlaceGone(f"the bot lacks access or permissions there: {exc.text}") from exc


class DiscordOutbox:
    def __init__(self, client: discord.Client) -> None:
        self._client = client
        self._dms: dict[str, int] = {}  # user id -> their DM channel id

    @property
    def limits(self) -> Limits:
        return DISCORD

    async def _target(self, to: Channel | Person) -> discord.PartialMessageable:
        if isinstance(to, Channel):
            return self._client.get_partial_messageable(int(to.channel_id))
        channel_id = self._dms.get(to.user_id)
        if channel_id is None:
            dm = await guarded(self._client.create_dm(discord.Object(int(to.user_id))))
            channel_id = self._dms[to.user_id] = dm.id
        return self._client.get_partial_messageable(channel_id, type=discord.ChannelType.private)

    async def post(
        self, to: Channel | Person, reply: Reply, *, key: str | None = None
    ) -> MessageRef:
        target = await self._target(to)
        sent_id = ""
        for n, message in enumerate(render(reply)):
            kwargs = message.send_kwargs()
            if key is not None and "file" not in kwargs:
                sent_id = await guarded(self._send_once(target.id, part_key(key, n), kwargs))
            else:
                sent_id = str((await guarded(target.send(**kwargs))).id)
        return MessageRef(to, sent_id)

    async def _send_once(self, channel_id: int, nonce: str, kwargs: dict[str, Any]) -> str:
        """A send Discord refuses to repeat: discord.py passes a nonce but not `enforce_nonce`,
        so the request is built with its own helper and the flag added. A retry of it (discord.py
        retries a 502 by itself) returns the first message instead of posting a second."""
        with handle_message_parameters(nonce=nonce, **kwargs) as params:
            assert params.payload is not None  # a JSON body: no files here
            params.payload["enforce_nonce"] = True
            data = await self._client.http.send_message(channel_id, params=params)
        return str(data["id"])

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        target = await self._target(ref.place)
        message = render(reply)[0]  # an edit is fitted to one message
        await guarded(target.get_partial_message(int(ref.message_id)).edit(**message.edit_kwargs()))
