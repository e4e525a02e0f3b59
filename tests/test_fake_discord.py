"""Proves tests/fake_discord.py is strict: it refuses what Discord refuses, with Discord's codes.

Two kinds of client talk to it here: plain aiohttp requests (to send exactly the bad body a test
needs) and the real discord.py Client (to prove the fake is complete enough for the library and
that the library sees Discord's errors as it would in production).
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import discord
import discord.gateway
import discord.http
import pytest
import yarl
from discord import app_commands

from tests.fake_discord import PRIVILEGED_INTENTS, Call, FakeDiscord


async def until(condition: Callable[[], bool], timeout: float = 3.0) -> None:  # noqa: ASYNC109
    """Polls a condition the fake or the client will make true soon (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.005)


@pytest.fixture
async def fake(request: pytest.FixtureRequest) -> AsyncIterator[FakeDiscord]:
    """A started fake; `@pytest.mark.parametrize("fake", [{...}], indirect=True)` sets options."""
    server = await FakeDiscord(**getattr(request, "param", {})).start()
    yield server
    await server.stop()
    assert server.internal_errors == []  # the fake's own bugs would otherwise hide as 400s


@pytest.fixture
async def http(fake: FakeDiscord) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(headers={"Authorization": "Bot test-token"}) as session:
        yield session


class Bot:
    """A real discord.py Client with a command tree, logged in to the fake."""

    def __init__(self) -> None:
        self.client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05)
        self.tree = app_commands.CommandTree(self.client)
        self.errors: list[BaseException] = []

        @self.tree.error
        async def on_error(
            interaction: discord.Interaction, error: app_commands.AppCommandError
        ) -> None:
            self.errors.append(getattr(error, "original", error))

    def error(self, kind: type[BaseException]) -> Any:
        return next(e for e in self.errors if isinstance(e, kind))


@pytest.fixture
async def bot(fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Bot]:
    # monkeypatch restores both class attributes after the test
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url)
    )
    harness = Bot()
    task = asyncio.create_task(harness.client.start("fake-token"))
    await asyncio.wait_for(harness.client.wait_until_ready(), 5)
    yield harness
    await harness.client.close()
    await asyncio.wait_for(task, 5)


def channel_of(bot: Bot, fake: FakeDiscord) -> discord.TextChannel:
    channel = bot.client.get_channel(int(fake.channel_id))
    assert isinstance(channel, discord.TextChannel)
    return channel


def path_is(method: str, path: str) -> Callable[[Call], bool]:
    return lambda c: c.method == method and c.path == path


async def post(
    http: aiohttp.ClientSession, fake: FakeDiscord, path: str, body: Any, method: str = "POST"
) -> tuple[int, Any]:
    async with http.request(method, f"{fake.api_base}/{path}", json=body) as response:
        return response.status, await response.json(content_type=None)


def error_at(body: dict[str, Any], *path: str) -> list[dict[str, str]]:
    node: Any = body["errors"]
    for key in path:
        node = node[key]
    return list(node["_errors"])


# ------------------------------------------------------------------ login and gateway


async def test_login_ready_and_guilds(bot: Bot, fake: FakeDiscord) -> None:
    client = bot.client
    assert client.user is not None and str(client.user.id) == fake.app_id
    assert client.application_id == int(fake.app_id)
    assert [str(g.id) for g in client.guilds] == [fake.guild_id]
    assert channel_of(bot, fake).name == "class"
    assert fake.identifies == 1 and fake.resumes == 0
    assert fake.intents_seen == [discord.Intents.default().value]
    assert not fake.intents_seen[0] & PRIVILEGED_INTENTS
    assert [c.path for c in fake.calls][:1] == ["users/@me"]


async def test_gateway_protocol_on_a_raw_socket(fake: FakeDiscord) -> None:
    fake.add_user("Tess", roles=["teacher"])  # before GUILD_CREATE: part of it
    privileged = 1 | (1 << 15)  # GUILDS + MESSAGE_CONTENT
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(fake.gateway_url + "?v=10&encoding=json") as ws:
            assert await ws.receive_json() == {"op": 10, "d": {"heartbeat_interval": 41250}}
            await ws.send_json({"op": 1, "d": None})
            assert (await ws.receive_json())["op"] == 11
            await ws.send_json({"op": 2, "d": {"token": "t", "intents": privileged}})
            ready = await ws.receive_json()
            assert (ready["t"], ready["s"]) == ("READY", 1)
            assert ready["d"]["resume_gateway_url"] == fake.gateway_url
            assert ready["d"]["guilds"] == [{"id": fake.guild_id, "unavailable": True}]
            guild = (await ws.receive_json())["d"]
            assert "teacher" in [r["name"] for r in guild["roles"]]
            assert {m["user"]["username"] for m in guild["members"]} == {"lectern", "alice", "tess"}
            fake.add_user("Rex", roles=["tutor"])  # after GUILD_CREATE: pushed
            pushed = await ws.receive_json()
            assert (pushed["t"], pushed["s"], pushed["d"]["role"]["name"]) == (
                "GUILD_ROLE_CREATE",
                3,
                "tutor",
            )
            await ws.send_json({"op": 2, "d": {"token": "t", "intents": 1}})
            closed = await ws.receive()
            assert (closed.type, closed.data) == (aiohttp.WSMsgType.CLOSE, 4005)
        assert fake.intents_seen == [privileged] and fake.identifies == 1
        async with session.ws_connect(fake.gateway_url + "?v=10&encoding=json") as ws:
            await ws.receive_json()
            await ws.send_json({"op": 6, "d": {"token": "t", "session_id": "nope", "seq": 3}})
            assert await ws.receive_json() == {"op": 9, "d": False}
            await ws.send_json({"op": 99, "d": None})
            assert (await ws.receive()).data == 4001
        async with session.ws_connect(fake.gateway_url + "?v=9&encoding=json") as ws:
            assert (await ws.receive()).data == 4012
        # a resumable drop, then one that ends the session (discord.py would wait 5 s before
        # identifying again, hence the raw socket here)
        for code, resumed in ((4000, True), (4009, False)):
            async with session.ws_connect(fake.gateway_url + "?v=10&encoding=json") as ws:
                await ws.receive_json()
                await ws.send_json({"op": 2, "d": {"token": "t", "intents": 1}})
                session_id = (await ws.receive_json())["d"]["session_id"]
                await ws.receive_json()  # GUILD_CREATE
                drop = asyncio.create_task(fake.drop_gateway(code))
                assert (await ws.receive()).data == code
                await drop
            async with session.ws_connect(fake.gateway_url + "?v=10&encoding=json") as ws:
                await ws.receive_json()
                resume = {"token": "t", "session_id": session_id, "seq": 2}
                await ws.send_json({"op": 6, "d": resume})
                answer = await ws.receive_json()
                if resumed:
                    assert (answer["t"], answer["s"]) == ("RESUMED", 3)
                else:
                    assert answer == {"op": 9, "d": False}
    assert fake.resumes == 1 and fake.identifies == 3


@pytest.mark.parametrize("fake", [{"guilds": 2500}], indirect=True)
async def test_2500_guilds_are_cheap(bot: Bot, fake: FakeDiscord) -> None:
    assert len(bot.client.guilds) == 2500
    assert sum(len(g.text_channels) for g in bot.client.guilds) in range(2500, 5001)


async def test_drop_gateway_then_the_client_resumes(bot: Bot, fake: FakeDiscord) -> None:
    @bot.tree.command(name="ping", description="Answers pong")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong")

    await fake.drop_gateway()
    await until(lambda: fake.resumes == 1)
    assert fake.identifies == 1  # resumed, not re-identified
    inter = await fake.slash("ping")  # waits for the resumed session
    assert (await fake.wait_response(inter)).status == 200


async def test_roles_and_members_reach_the_client(bot: Bot, fake: FakeDiscord) -> None:
    teacher = fake.add_user("Tess", permissions=0x8, roles=["teacher"])
    guild = bot.client.get_guild(int(fake.guild_id))
    assert guild is not None
    await until(lambda: any(r.name == "teacher" for r in guild.roles))  # GUILD_ROLE_CREATE
    channel = fake.add_channel("quiz-night")
    await until(lambda: guild.get_channel(int(channel)) is not None)  # CHANNEL_CREATE
    seen: list[discord.Interaction] = []

    @bot.tree.command(name="who", description="Who am I")
    async def who(interaction: discord.Interaction) -> None:
        seen.append(interaction)
        await interaction.response.send_message("you", ephemeral=True)

    inter = await fake.slash("who", user=teacher, channel=channel)
    await fake.wait_response(inter)
    member = seen[0].user
    assert isinstance(member, discord.Member)
    assert [r.name for r in member.roles if not r.is_default()] == ["teacher"]
    assert seen[0].permissions.administrator and str(seen[0].channel_id) == channel
    assert inter["member"]["permissions"] == str(0x8)


# ------------------------------------------------------------------ interactions


async def test_slash_command_answered_and_button_updates_the_message(
    bot: Bot, fake: FakeDiscord
) -> None:
    class Again(discord.ui.View):
        @discord.ui.button(label="Another", custom_id="fact:again")
        async def again(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
            await interaction.response.edit_message(content="Octopuses have three hearts")

    @bot.tree.command(name="fact", description="Tell a fact")
    async def fact(interaction: discord.Interaction, topic: str) -> None:
        await interaction.response.send_message(f"A fact about {topic}", view=Again())

    inter = await fake.slash("fact", {"topic": "cats"})
    response = await fake.wait_response(inter)
    assert response.status == 200 and response.query == {"with_response": "1"}
    assert response.json["type"] == 4 and response.json["data"]["content"] == "A fact about cats"
    assert 0 <= fake.ack_latency[inter["id"]] < 3.0
    [message_id] = [m for m, msg in fake.messages.items() if msg["content"] == "A fact about cats"]

    click = await fake.click(message_id, "fact:again")
    update = await fake.wait_response(click)
    assert update.status == 200 and update.json["type"] == 7
    assert fake.messages[message_id]["content"] == "Octopuses have three hearts"


async def test_subcommand_and_deferred_followup(bot: Bot, fake: FakeDiscord) -> None:
    quiz = app_commands.Group(name="quiz", description="Quizzes")

    @quiz.command(name="start", description="Start a quiz")
    async def start(interaction: discord.Interaction, name: str, rounds: int) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send(f"{name} x{rounds}", ephemeral=True)
        await interaction.followup.send("and another", ephemeral=True)

    bot.tree.add_command(quiz)
    await bot.tree.sync()
    inter = await fake.slash("quiz", {"name": "capitals", "rounds": 3}, sub="start")
    assert inter["data"]["options"][0]["options"][1] == {"type": 4, "name": "rounds", "value": 3}
    await fake.wait_call(lambda c: len(fake.followups(inter)) == 2)
    defer = fake.callback(inter)
    assert defer is not None and defer.json == {"type": 5, "data": {"flags": 64}}
    first, second = fake.followups(inter)
    assert first.query["wait"] in ("1", "true") and first.json["flags"] & 64
    # the first followup after a defer fills the "thinking…" message, as on Discord
    assert first.status == second.status == 200
    loading = fake.messages[fake._interactions[inter["id"]].original_id or ""]
    assert loading["content"] == "capitals x3" and loading["flags"] == 64


@pytest.mark.parametrize("fake", [{"ack_deadline": 0.2}], indirect=True)
async def test_a_late_response_gets_10062(bot: Bot, fake: FakeDiscord) -> None:
    @bot.tree.command(name="lazy", description="Answers after the deadline")
    async def lazy(interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.25)
        await interaction.response.send_message("too late")

    inter = await fake.slash("lazy")
    assert (await fake.wait_response(inter)).status == 404
    await until(lambda: bool(bot.errors))
    error = bot.error(discord.NotFound)
    assert error.code == 10062 and error.text == "Unknown interaction"
    assert fake.late == [inter["id"]] and fake.ack_latency[inter["id"]] > 0.2


async def test_a_second_response_gets_40060(
    bot: Bot, fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    @bot.tree.command(name="once", description="Answers once")
    async def once(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("first")

    inter = await fake.slash("once")
    await fake.wait_response(inter)
    path = f"interactions/{inter['id']}/{inter['token']}/callback"
    status, body = await post(http, fake, path, {"type": 4, "data": {"content": "second"}})
    assert (status, body["code"]) == (400, 40060)
    assert body["message"] == "Interaction has already been acknowledged."
    first = fake.callback(inter)
    assert first is not None and first.json["data"]["content"] == "first"


async def test_response_types_must_fit_the_interaction(
    bot: Bot, fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    # commands the bot does not know stay unanswered: this test answers them over plain HTTP
    auto = await fake.autocomplete("nobody-home", "q", "x")
    path = f"interactions/{auto['id']}/{auto['token']}/callback"
    modal = {"title": "T", "custom_id": "m", "components": []}
    status, body = await post(http, fake, path, {"type": 9, "data": modal})
    assert (status, body["code"]) == (400, 50035) and error_at(body, "type")
    status, body = await post(http, fake, path, {"type": 4, "data": {"content": "x"}})
    assert (status, body["code"]) == (400, 50035)
    choices = [{"name": f"c{i}", "value": str(i)} for i in range(26)]
    status, body = await post(http, fake, path, {"type": 8, "data": {"choices": choices}})
    assert (status, body["code"]) == (400, 50035) and error_at(body, "data", "choices")
    status, body = await post(http, fake, path, {"type": 8, "data": {"choices": choices[:25]}})
    assert status == 204  # no ?with_response=1: no body, as on Discord

    submit = await fake.submit_modal("m", {"answer": "42"})
    path = f"interactions/{submit['id']}/{submit['token']}/callback"
    status, body = await post(http, fake, path, {"type": 9, "data": modal})
    assert (status, body["code"]) == (400, 50035)  # no modal in reply to a modal
    status, body = await post(http, fake, path, {"type": 7, "data": {"content": "x"}})
    assert (status, body["code"]) == (400, 50035)  # nothing to update: opened by a command
    status, body = await post(http, fake, path, {"type": 4, "data": {"content": " "}})
    assert (status, body["code"]) == (400, 50006)
    answer = {"type": 4, "data": {"content": "ok"}}
    status, body = await post(http, fake, path + "?with_response=1", answer)
    assert status == 200 and body["resource"]["message"]["content"] == "ok"

    unknown = "interactions/1/nope/callback"
    status, body = await post(http, fake, unknown, {"type": 4, "data": {"content": "x"}})
    assert (status, body["code"]) == (404, 10062)
    webhook = f"webhooks/{fake.app_id}/nope?wait=1"
    status, body = await post(http, fake, webhook, {"content": "x"})
    assert (status, body["code"]) == (404, 10015)


async def test_modal_responses_are_validated(bot: Bot, fake: FakeDiscord) -> None:
    class Answer(discord.ui.Modal, title="Your answer"):
        answer: discord.ui.TextInput[Answer] = discord.ui.TextInput(
            label="Answer", custom_id="answer", max_length=4000
        )

        async def on_submit(self, interaction: discord.Interaction) -> None:
            await interaction.response.send_message(f"got {self.answer.value}", ephemeral=True)

    @bot.tree.command(name="answer", description="Opens a form")
    async def answer(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Answer())

    @bot.tree.command(name="badform", description="Opens a form with a 46-char title")
    async def badform(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Answer(title="t" * 46))

    inter = await fake.slash("answer")
    shown = await fake.wait_response(inter)
    assert shown.status == 200 and shown.json["type"] == 9
    assert shown.json["data"]["components"][0]["components"][0]["custom_id"] == "answer"
    submit = await fake.submit_modal(shown.json["data"]["custom_id"], {"answer": "Paris"})
    reply = await fake.wait_response(submit)
    assert reply.status == 200 and reply.json["data"]["content"] == "got Paris"
    assert reply.json["data"]["flags"] == 64

    bad = await fake.slash("badform")
    assert (await fake.wait_response(bad)).status == 400
    await until(lambda: bool(bot.errors))
    error = bot.error(discord.HTTPException)
    assert error.code == 50035 and "data.title" in str(error)


async def test_autocomplete_results_are_validated(bot: Bot, fake: FakeDiscord) -> None:
    async def topics(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        count = 26 if current == "many" else 3
        return [app_commands.Choice(name=f"{current} {i}", value=str(i)) for i in range(count)]

    @bot.tree.command(name="fact", description="Tell a fact")
    @app_commands.autocomplete(topic=topics)
    async def fact(interaction: discord.Interaction, topic: str) -> None:
        await interaction.response.send_message(topic)

    good = await fake.autocomplete("fact", "topic", "ca")
    assert good["data"]["options"] == [{"type": 3, "name": "topic", "value": "ca", "focused": True}]
    answer = await fake.wait_response(good)
    assert answer.status == 200 and len(answer.json["data"]["choices"]) == 3
    bad = await fake.autocomplete("fact", "topic", "many")
    assert (await fake.wait_response(bad)).status == 400


# ------------------------------------------------------------------ message limits


def _buttons(n: int, prefix: str = "b") -> list[dict[str, Any]]:
    return [{"type": 2, "style": 1, "label": "go", "custom_id": f"{prefix}{i}"} for i in range(n)]


def _row(*components: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(components)}


_FIELD = {"name": "n", "value": "v"}
TOO_MUCH: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [
    ("content 2001 chars", {"content": "x" * 2001}, ("content",)),
    ("embed title 257", {"embeds": [{"title": "t" * 257}]}, ("embeds", "0", "title")),
    ("26 embed fields", {"embeds": [{"fields": [_FIELD] * 26}]}, ("embeds", "0", "fields")),
    ("11 embeds", {"embeds": [{"title": "t"}] * 11}, ("embeds",)),
    ("empty field name", {"embeds": [{"fields": [{"name": "", "value": "v"}]}]},
     ("embeds", "0", "fields", "0", "name")),
    ("field value 1025", {"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]},
     ("embeds", "0", "fields", "0", "value")),
    ("description 4097", {"embeds": [{"description": "d" * 4097}]},
     ("embeds", "0", "description")),
    ("footer 2049", {"embeds": [{"footer": {"text": "f" * 2049}}]},
     ("embeds", "0", "footer", "text")),
    ("6001 chars over embeds",
     {"embeds": [{"description": "d" * 4000}, {"description": "d" * 2001}]}, ("embeds",)),
    ("custom_id 101", {"components": [_row({**_buttons(1)[0], "custom_id": "c" * 101})]},
     ("components", "0", "components", "0", "custom_id")),
    ("label 81", {"components": [_row({**_buttons(1)[0], "label": "l" * 81})]},
     ("components", "0", "components", "0", "label")),
    ("6 action rows", {"components": [_row(b) for b in _buttons(6)]}, ("components",)),
    ("6 buttons in a row", {"components": [_row(*_buttons(6))]}, ("components", "0", "components")),
    ("duplicated custom_id", {"components": [_row(*_buttons(1)), _row(*_buttons(1))]},
     ("components", "1", "components", "0", "custom_id")),
    ("button without custom_id", {"components": [_row({"type": 2, "style": 1, "label": "x"})]},
     ("components", "0", "components", "0", "custom_id")),
    ("select beside a button", {"components": [_row(_buttons(1)[0], {
        "type": 3, "custom_id": "s", "options": [{"label": "a", "value": "a"}]})]},
     ("components", "0", "components")),
    ("select with 26 options", {"components": [_row({"type": 3, "custom_id": "s", "options": [
        {"label": str(i), "value": str(i)} for i in range(26)]})]},
     ("components", "0", "components", "0", "options")),
    ("placeholder 151", {"components": [_row({"type": 3, "custom_id": "s", "placeholder": "p" * 151,
        "options": [{"label": "a", "value": "a"}]})]},
     ("components", "0", "components", "0", "placeholder")),
]  # fmt: skip


@pytest.mark.parametrize(("body", "where"), [c[1:] for c in TOO_MUCH], ids=[c[0] for c in TOO_MUCH])
async def test_message_limits_give_50035(
    fake: FakeDiscord, http: aiohttp.ClientSession, body: dict[str, Any], where: tuple[str, ...]
) -> None:
    status, answer = await post(http, fake, f"channels/{fake.channel_id}/messages", body)
    assert (status, answer["code"], answer["message"]) == (400, 50035, "Invalid Form Body")
    assert error_at(answer, *where)
    assert fake.messages == {}


async def test_a_message_needs_something_to_show(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    for body in ({}, {"content": ""}, {"content": "   ", "embeds": []}):
        status, answer = await post(http, fake, f"channels/{fake.channel_id}/messages", body)
        assert (status, answer["code"]) == (400, 50006)
    ok = {"content": "hi", "allowed_mentions": {"parse": []}}
    status, answer = await post(http, fake, f"channels/{fake.channel_id}/messages", ok)
    assert status == 200 and fake.messages[answer["id"]]["content"] == "hi"
    assert fake.calls[-1].json["allowed_mentions"] == {"parse": []}


async def test_limits_reach_discord_py_as_http_exceptions(bot: Bot, fake: FakeDiscord) -> None:
    @bot.tree.command(name="long", description="Too long")
    async def long(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("x" * 2001)

    with pytest.raises(discord.HTTPException) as caught:
        await channel_of(bot, fake).send("x" * 2001)
    assert caught.value.status == 400 and caught.value.code == 50035
    inter = await fake.slash("long")
    answer = await fake.wait_response(inter)
    assert answer.status == 400
    await until(lambda: bool(bot.errors))
    assert bot.error(discord.HTTPException).code == 50035
    assert "data.content" in str(bot.error(discord.HTTPException))


# ------------------------------------------------------------------ channels and messages


async def test_a_deleted_channel_gives_10003(
    bot: Bot, fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    channel = channel_of(bot, fake)
    sent = await channel.send("before")
    fake.delete_channel(fake.channel_id)
    with pytest.raises(discord.NotFound) as caught:
        await channel.send("after")
    assert caught.value.code == 10003 and caught.value.text == "Unknown Channel"
    path = f"channels/{fake.channel_id}/messages/{sent.id}"
    status, body = await post(http, fake, path, {"content": "edit"}, method="PATCH")
    assert (status, body["code"]) == (404, 10003)


async def test_a_denied_channel_gives_50001(bot: Bot, fake: FakeDiscord) -> None:
    fake.deny_channel(fake.channel_id)
    with pytest.raises(discord.Forbidden) as caught:
        await channel_of(bot, fake).send("hello?")
    assert caught.value.code == 50001 and caught.value.text == "Missing Access"


async def test_editing_an_unknown_message_gives_10008(bot: Bot, fake: FakeDiscord) -> None:
    channel = channel_of(bot, fake)
    with pytest.raises(discord.NotFound) as caught:
        await channel.get_partial_message(1234).edit(content="nope")
    assert caught.value.code == 10008
    sent = await channel.send("known")
    edited = await sent.edit(content="edited", embed=discord.Embed(title="T"))
    assert edited.content == "edited" and fake.messages[str(sent.id)]["embeds"][0]["title"] == "T"


async def test_dm_channel(bot: Bot, fake: FakeDiscord) -> None:
    bob = fake.add_user("Bob")
    dm = await bot.client.create_dm(discord.Object(int(bob)))
    await dm.send("psst")
    [post_call] = await fake.wait_call(path_is("POST", f"channels/{dm.id}/messages"))
    assert post_call.status == 200 and post_call.json["content"] == "psst"
    with pytest.raises(discord.NotFound) as caught:
        await bot.client.create_dm(discord.Object(42))
    assert caught.value.code == 10013


async def test_429_once_then_discord_py_retries(bot: Bot, fake: FakeDiscord) -> None:
    target = path_is("POST", f"channels/{fake.channel_id}/messages")
    fake.rate_limit(target, times=1, retry_after=0.05)
    message = await channel_of(bot, fake).send("eventually")
    calls = [c for c in fake.calls if target(c)]
    assert [c.status for c in calls] == [429, 200]
    assert calls[1].at - calls[0].at >= 0.05
    assert fake.messages[str(message.id)]["content"] == "eventually"


async def test_429_shape(fake: FakeDiscord, http: aiohttp.ClientSession) -> None:
    fake.rate_limit(lambda c: c.path == "users/@me", times=1, retry_after=0.05)
    async with http.get(f"{fake.api_base}/users/@me") as response:
        assert response.status == 429
        assert response.headers["Content-Type"] == "application/json"
        assert await response.json() == {
            "message": "You are being rate limited.",
            "retry_after": 0.05,
            "global": False,
        }
        headers = response.headers
        assert headers["X-RateLimit-Remaining"] == "0" and headers["X-RateLimit-Scope"] == "user"
        for name in ("Retry-After", "X-RateLimit-Limit", "X-RateLimit-Reset", "X-RateLimit-Bucket"):
            assert headers[name]
        assert float(headers["X-RateLimit-Reset-After"]) == 0.05
    async with http.get(f"{fake.api_base}/users/@me") as response:
        assert response.status == 200


async def test_multipart_upload_is_recorded(bot: Bot, fake: FakeDiscord) -> None:
    file = discord.File(io.BytesIO(b"line one\n"), filename="notes.txt")
    message = await channel_of(bot, fake).send("here", file=file)
    [call] = [c for c in fake.calls if c.path == f"channels/{fake.channel_id}/messages"]
    assert call.json["content"] == "here"
    assert call.files == [("notes.txt", b"line one\n")]
    assert [a.filename for a in message.attachments] == ["notes.txt"]
    assert message.attachments[0].size == 9


# ------------------------------------------------------------------ commands and plain REST


async def test_sync_echoes_and_keeps_ids(bot: Bot, fake: FakeDiscord) -> None:
    @bot.tree.command(name="fact", description="Tell a fact")
    async def fact(interaction: discord.Interaction, topic: str) -> None:
        await interaction.response.send_message(topic)

    first = await bot.tree.sync()
    again = await bot.tree.sync()
    assert [c.name for c in first] == ["fact"] and first[0].id == again[0].id
    assert fake.syncs == 2 and [c["name"] for c in fake.commands["global"]] == ["fact"]
    guild = discord.Object(int(fake.guild_id))
    bot.tree.copy_global_to(guild=guild)
    await bot.tree.sync(guild=guild)
    assert [c["name"] for c in fake.commands[fake.guild_id]] == ["fact"]
    inter = await fake.slash("fact", {"topic": "owls"})
    assert inter["data"]["guild_id"] == fake.guild_id  # routed to the guild command
    assert (await fake.wait_response(inter)).status == 200


def _command(**changes: Any) -> dict[str, Any]:
    return {"name": "fact", "description": "Tell a fact", "type": 1, **changes}


def _option(name: str, **changes: Any) -> dict[str, Any]:
    return {"type": 3, "name": name, "description": "an option", **changes}


BAD_COMMANDS: list[tuple[str, list[dict[str, Any]], tuple[str, ...]]] = [
    ("space in name", [_command(name="bad name")], ("0", "name")),
    ("uppercase name", [_command(name="Fact")], ("0", "name")),
    ("33-char name", [_command(name="f" * 33)], ("0", "name")),
    ("101-char description", [_command(description="d" * 101)], ("0", "description")),
    ("no description", [_command(description="")], ("0", "description")),
    ("101 commands", [_command(name=f"c{i}") for i in range(101)], ()),
    ("duplicate names", [_command(), _command()], ("1", "name")),
    ("26 options", [_command(options=[_option(f"o{i}") for i in range(26)])], ("0", "options")),
    ("required after optional",
     [_command(options=[_option("a"), _option("b", required=True)])],
     ("0", "options", "1", "required")),
    ("bad option name", [_command(options=[_option("Topic")])], ("0", "options", "0", "name")),
    ("26 choices", [_command(options=[_option("a", choices=[
        {"name": str(i), "value": str(i)} for i in range(26)])])],
     ("0", "options", "0", "choices")),
    ("choices and autocomplete", [_command(options=[_option("a", autocomplete=True, choices=[
        {"name": "x", "value": "x"}])])],
     ("0", "options", "0", "autocomplete")),
    ("subcommand mixed with options", [_command(options=[
        _option("a"), {"type": 1, "name": "sub", "description": "s"}])],
     ("0", "options")),
    ("group inside a subcommand", [_command(options=[{"type": 1, "name": "sub", "description": "s",
        "options": [{"type": 2, "name": "g", "description": "g", "options": []}]}])],
     ("0", "options", "0", "options")),
    ("permissions as int", [_command(default_member_permissions=8)],
     ("0", "default_member_permissions")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("commands", "where"), [c[1:] for c in BAD_COMMANDS], ids=[c[0] for c in BAD_COMMANDS]
)
async def test_bad_command_sync_gives_50035(
    fake: FakeDiscord, http: aiohttp.ClientSession, commands: Any, where: tuple[str, ...]
) -> None:
    status, body = await post(http, fake, f"applications/{fake.app_id}/commands", commands, "PUT")
    assert (status, body["code"]) == (400, 50035)
    assert error_at(body, *where)
    assert fake.syncs == 0 and fake.commands == {}


async def test_a_good_command_set_syncs(fake: FakeDiscord, http: aiohttp.ClientSession) -> None:
    quiz = {
        "name": "quiz",
        "description": "Quizzes",
        "default_member_permissions": "32",
        "options": [
            {"type": 2, "name": "admin", "description": "Admin", "options": [
                {"type": 1, "name": "reset", "description": "Reset", "options": [
                    _option("who", required=True), _option("why")]}]},
            {"type": 1, "name": "start", "description": "Start", "options": [
                _option("name", required=True, autocomplete=True),
                {"type": 4, "name": "rounds", "description": "How many",
                 "choices": [{"name": "three", "value": 3}]}]},
        ],
    }  # fmt: skip
    path = f"applications/{fake.app_id}/guilds/{fake.guild_id}/commands"
    status, body = await post(http, fake, path, [quiz], "PUT")
    assert status == 200, body
    assert body[0]["id"] and body[0]["application_id"] == fake.app_id and body[0]["version"]
    assert fake.commands[fake.guild_id] == body and fake.syncs == 1


async def test_plain_rest_answers(fake: FakeDiscord, http: aiohttp.ClientSession) -> None:
    async with http.get(f"{fake.api_base}/oauth2/applications/@me") as response:
        assert (
            response.headers["Content-Type"] == "application/json"
        )  # exactly: discord.py needs it
        app = await response.json()
    assert app["id"] == fake.app_id and {"verify_key", "owner", "flags"} <= app.keys()
    async with http.get(f"{fake.api_base}/gateway/bot") as response:
        assert (await response.json())["url"].startswith("ws://127.0.0.1:")
    async with http.get(f"{fake.api_base}/no/such/route") as response:
        assert response.status == 404
        assert await response.json() == {"code": 0, "message": "404: Not Found"}
    async with (
        aiohttp.ClientSession() as anonymous,
        anonymous.get(f"{fake.api_base}/users/@me") as response,
    ):
        assert response.status == 401
    assert [c.status for c in fake.calls] == [200, 200, 404, 401]
    fake.reset_calls()
    assert fake.calls == []
