"""`lectern run` itself, in its own process, against the fake Discord: it logs in, syncs, plays
a class quiz from start to podium, and stops cleanly on SIGTERM without logging its token."""

from __future__ import annotations

import asyncio

from tests.conftest import FIXTURES, lectern_env, spawn_lectern, stop_lectern
from tests.discord.fake import Call, FakeDiscord

TOKEN = "ODk2.run-test.very-secret-token"


def _posts(fake: FakeDiscord) -> list[Call]:
    path = f"channels/{fake.channel_id}/messages"
    return [c for c in fake.calls if c.method == "POST" and c.path == path and c.status == 200]


def _title(call: Call) -> str:
    return str(call.json["embeds"][0].get("title", ""))


async def test_lectern_run_plays_a_class_quiz_and_stops_cleanly() -> None:
    fake = await FakeDiscord().start()
    teacher = fake.add_user("tess", permissions=0x400 | 0x800 | 0x20)  # Manage Server
    student = fake.add_user("ann")
    env = _env(fake, TOKEN) | {
        "LECTERN_QUIZ_DIR": str(FIXTURES / "quizzes-good"),
        "LECTERN_LOG_LEVEL": "DEBUG",
    }
    bot = await spawn_lectern("run", env=env)
    try:
        await fake.wait_call(lambda c: c.path.endswith("/commands"), within=60)
        await asyncio.wait_for(fake.connected.wait(), 30)
        start = await fake.slash(
            "quiz", {"quiz": "sample", "questions": 2, "seconds": 60}, sub="start", user=teacher
        )
        assert (await fake.wait_response(start, within=10)).status == 200
        await fake.wait_call(lambda c: bool(_posts(fake)), within=10)
        question = _posts(fake)[-1]
        assert _title(question) == "One question of each kind · 1/2"
        message_id = str(question.response["id"])
        custom_id = question.json["components"][0]["components"][0]["custom_id"]
        click = await fake.click(message_id, custom_id, user=student)
        answered = await fake.wait_response(click, within=10)
        assert answered.json["data"]["embeds"][0]["description"] == "Answer received."
        stop = await fake.slash("quiz", sub="stop", user=teacher)
        await fake.wait_response(stop, within=10)
        await fake.wait_call(lambda c: "was stopped" in _title(_posts(fake)[-1]), within=10)
        podium = _posts(fake)[-1].json["embeds"][0]["description"]
        assert podium.startswith("🥇 Ann")
    finally:
        log = await stop_lectern(bot)
        await fake.stop()
    assert bot.returncode == 0, log[-2000:]
    assert "very-secret-token" not in log, "the token is never logged"
    assert "synced 17 slash commands (global)" in log


async def test_discord_sync_and_invite_url_from_the_command_line() -> None:
    fake = await FakeDiscord().start()
    token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.x.y"  # the id 123456789012345678, base64
    env = lectern_env({"LECTERN_DISCORD_TOKEN": token, "LECTERN_DISCORD_API_BASE": fake.api_base})

    async def lectern(*args: str) -> tuple[int, str, str]:
        process = await spawn_lectern(*args, env=env)
        out, err = await asyncio.wait_for(process.communicate(), 60)
        return process.returncode or 0, out.decode(), err.decode()

    try:
        code, out, err = await lectern("discord", "sync", "--guild", fake.guild_id)
        assert code == 0, err
        assert out.startswith(f"Synced 17 slash commands (guild {fake.guild_id}).")
        assert fake.syncs == 1 and set(fake.commands) == {fake.guild_id}
        code, out, _ = await lectern("discord", "sync", "--guild", fake.guild_id)
        assert code == 0 and fake.syncs == 2, "on demand, it syncs even when unchanged"
        code, out, _ = await lectern("discord", "invite-url")
        assert code == 0 and "client_id=123456789012345678" in out and "permissions=52224" in out
        env["LECTERN_DISCORD_TOKEN"] = "garbage"
        code, _, err = await lectern("discord", "invite-url")
        assert code == 2 and "give --client-id" in err
    finally:
        await fake.stop()


def _env(fake: FakeDiscord, token: str) -> dict[str, str]:
    return lectern_env(
        {
            "LECTERN_ADAPTERS": "discord",
            "LECTERN_DISCORD_TOKEN": token,
            "LECTERN_DISCORD_API_BASE": fake.api_base,
            "LECTERN_DISCORD_GATEWAY_URL": fake.gateway_url,
        }
    )


async def test_a_refused_token_is_one_clear_line_and_exit_2() -> None:
    fake = await FakeDiscord(token="the-right-token").start()
    try:
        bot = await spawn_lectern("run", env=_env(fake, "ODk2.wrong.token"))
        _, stderr = await asyncio.wait_for(bot.communicate(), 60)
    finally:
        await fake.stop()
    log = stderr.decode()
    assert bot.returncode == 2, log
    assert "lectern: LECTERN_DISCORD_TOKEN: Discord refused this token." in log
    assert "Traceback" not in log and "wrong.token" not in log


async def test_a_gateway_that_refuses_the_bot_for_good_ends_the_process_with_exit_1() -> None:
    fake = await FakeDiscord().start()
    try:
        bot = await spawn_lectern("run", env=_env(fake, TOKEN))
        await asyncio.wait_for(fake.connected.wait(), 60)
        await fake.drop_gateway(4014)  # disallowed intents: discord.py does not reconnect
        _, stderr = await asyncio.wait_for(bot.communicate(), 60)
    finally:
        await fake.stop()
    log = stderr.decode()
    assert bot.returncode == 1, log[-2000:]
    assert "the Discord connection ended" in log
