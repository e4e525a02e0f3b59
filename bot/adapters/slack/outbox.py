"""The Slack outbox: what the core says on its own, posted (`chat.postMessage`) and updated in
place (`chat.update`) through the Web API client, whose retry handler waits out `ratelimited`."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, TypeVar

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.render import message
from bot.core.fit import SLACK
from bot.core.messages import Channel, Limits, Person, Reply
from bot.core.ports import MessageRef, PlaceGone

T = TypeVar("T")
GONE = {
    "not_in_channel": "the bot is not in that channel: invite it with /invite @Lectern",
    "channel_not_found": "the channel was not found (deleted, or private without the bot)",
    "is_archived": "the channel is archived",
    "cannot_dm_bot": "that user cannot be written to",
    "user_not_found": "that user was not found",
}


async def guarded(work: Awaitable[T]) -> T:
    """`work`, with "this place is gone for the bot" told apart from a passing error."""
    try:
        return await work
    except SlackApiError as exc:
        error = str(exc.response.get("error", ""))
        if error in GONE:
            raise PlaceGone(GONE[error]) from exc
        raise


class SlackOutbox:
    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    @property
    def limits(self) -> Limits:
        return SLACK

    async def post(
        self, to: Channel | Person, reply: Reply, *, key: str | None = None
    ) -> MessageRef:
        # A user id as the channel posts in the bot's direct messages with that user.
        channel = to.channel_id if isinstance(to, Channel) else to.user_id
        sent: Any = await guarded(self._client.chat_postMessage(channel=channel, **message(reply)))
        # chat.update needs the channel id Slack answered with (a DM's D…, not the user's U…).
        return MessageRef(to, f"{sent['channel']} {sent['ts']}")

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        channel, ts = ref.message_id.split(" ", 1)
        await guarded(self._client.chat_update(channel=channel, ts=ts, **message(reply)))
