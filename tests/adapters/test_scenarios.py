"""The scenarios every adapter must pass, written once against the harness: that is what
"interchangeable adapters" means. Each runs on the console, on the fake platform and on Discord
(the real discord.py client against the strict fake Discord)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from bot.core.course.library import ContentLibrary
from bot.core.quiz.deck import Card
from tests.adapters.harness import ConsoleHarness, Harness, PlatformHarness, Seen
from tests.conftest import CONTENT, FIXTURES, ROOT, right_answer

LIVE_PING = re.compile(r"@(everyone|here|channel)|<[@!#]", re.IGNORECASE)


@pytest.fixture(scope="module")
def library() -> ContentLibrary:
    return ContentLibrary([CONTENT], root=ROOT, quiz_paths=[FIXTURES / "quizzes-good"])


@pytest.fixture(params=["console", "platform", "discord", "slack-http", "slack-socket"])
async def harness(
    request: pytest.FixtureRequest, library: ContentLibrary
) -> AsyncIterator[Harness]:
    opened: Harness
    if request.param == "console":
        opened = await ConsoleHarness.open(library)
    elif request.param == "discord":
        from tests.adapters.discord_harness import DiscordHarness

        opened = await DiscordHarness.open(library)
    elif request.param.startswith("slack"):
        from tests.adapters.slack_harness import SlackHarness

        opened = await SlackHarness.open(library, request.param.split("-")[1])
    else:
        opened = await PlatformHarness.open(library)
    yield opened
    await opened.close()


def within_limits(harness: Harness, seen: Seen) -> bool:
    limits = harness.limits
    return (
        len(seen.text) <= limits.text_chars
        and len(seen.title) <= limits.title_chars
        and len(seen.choices) <= limits.choices
        and all(len(label) <= limits.choice_label_chars for label, _ in seen.choices)
    )


async def test_help(harness: Harness) -> None:
    [reply] = await harness.send("sam", "/help")
    assert reply.title == "Lectern commands" and "/timeline" in reply.text
    assert harness.private("sam") == [reply] and harness.channel() == []


async def test_fact_with_its_source(harness: Harness) -> None:
    [reply] = await harness.send("sam", "/fact isaf")
    assert reply.title.startswith("Did you know?") and reply.text
    assert harness.channel() == [reply], "a fact is for the whole channel"


async def test_who_said_exact_and_with_typos(harness: Harness) -> None:
    [exact] = await harness.send("sam", "/whosaid csto backbone")
    [typos] = await harness.send("sam", "/whosaid ctso bakcbone")
    assert "Bordyuzha" in exact.text and "Bordyuzha" in typos.text


async def test_quotes_and_define(harness: Harness) -> None:
    [quotes] = await harness.send("sam", "/quotes putin")
    assert quotes.title.startswith("Quotes of Vladimir Putin")
    [term] = await harness.send("sam", "/define CSTO")
    assert term.title.startswith("CSTO — Collective Security Treaty Organisation")


async def test_timeline_in_order_and_fitted_to_the_platform(harness: Harness) -> None:
    replies = await harness.send("sam", "/timeline")
    seen = list(replies)
    while seen[-1].choices and seen[-1].choices[-1][0].startswith("Next"):
        seen += await harness.click("sam", seen[-1], "Next")
    lines = [line for s in seen for line in s.text.splitlines()]
    assert len(lines) == 50, "every dated event, none lost to a limit"
    assert all(within_limits(harness, s) for s in seen)
    years = [int(re.search(r"\b(19|20)\d\d\b", line).group()) for line in lines]  # type: ignore[union-attr]
    assert years == sorted(years)


async def test_an_over_long_reply_is_fitted(harness: Harness) -> None:
    replies = await harness.send("sam", "/define")
    assert replies and all(within_limits(harness, r) for r in replies)
    listed = " ".join(r.text for r in replies)
    assert "CSTO" in listed and "security dilemma" in listed.casefold()


async def test_a_student_is_refused_every_teacher_command(harness: Harness) -> None:
    for command in ("/quiz start sample", "/quiz skip", "/quiz stop", "/quiz results", "/reload"):
        [reply] = await harness.send("sam", command)
        name = command.split(" ", 1)[0] if command == "/reload" else " ".join(command.split()[:2])
        assert reply.text == f"Only a teacher can use {name}."
    assert harness.channel() == [], "nothing was said in the channel"


async def _answer(harness: Harness, user: str, card: Card, question: Seen, right: bool) -> Seen:
    if card.options:
        letter = "ABCDE"[card.correct if right else (card.correct + 1) % len(card.options)]
        [reply] = await harness.click(user, question, f"{letter})")
    else:
        [reply] = await harness.send(user, f"/quiz answer {right_answer(card) if right else 'x'}")
    return reply


async def test_a_class_plays_a_quiz(harness: Harness) -> None:
    [started] = await harness.send("tess", "/quiz start sample questions:3 seconds:20")
    assert started.text.startswith("Started “One question of each kind”: 3 questions")
    question_1 = harness.channel()[-1]
    assert question_1.title == "One question of each kind · 1/3" and question_1.choices
    card = harness.open_card()
    assert (await _answer(harness, "ann", card, question_1, True)).text == "Answer received."
    assert (await _answer(harness, "bob", card, question_1, False)).text == "Answer received."
    typed = await harness.send("cy", f"/quiz answer {'ABC'[card.correct]}")
    assert typed == [typed[0]] and typed[0].text == "Answer received."
    again = await _answer(harness, "ann", card, question_1, True)
    assert again.text == "You have already answered this question."
    await harness.advance(20)
    reveal = harness.channel()[-1]
    assert reveal.title == "Question 1: the answer" and "2 of 3 got it right." in reveal.text
    await harness.advance(5)
    question_2 = harness.channel()[-1]
    assert question_2.title == "One question of each kind · 2/3"
    stale = await harness.click("bob", question_1, "A)")
    assert stale[0].text == "That question has closed; question 2 of 3 is open now."
    card = harness.open_card()
    for user in ("ann", "bob", "cy"):  # bob's stale click did not use up his answer
        assert (await _answer(harness, user, card, question_2, True)).text == "Answer received."
    assert harness.channel()[-1].title == "Question 2: the answer", "all in: revealed at once"
    await harness.advance(5)
    assert harness.channel()[-1].title == "One question of each kind · 3/3"
    [stopped] = await harness.send("tess", "/quiz stop")
    assert stopped.text == "Stopped."
    podium = harness.channel()[-1]
    assert podium.title == "“One question of each kind” was stopped"
    assert podium.text.startswith("🥇 ") and "Every player:" in podium.text
    assert "stopped" not in " ".join(s.text for s in harness.private("ann"))


async def test_a_practice_run(harness: Harness) -> None:
    intro, question = await harness.send("sam", "/practice sample questions:2")
    assert intro.text.startswith("Practising “One question of each kind”: 2 questions")
    verdict, second = await harness.click("sam", question, "A)")
    assert verdict.text.startswith("✅ Right: A) Rome.")
    assert second.title == "One question of each kind · 2/2"
    stale = await harness.click("sam", question, "B)")
    assert stale[0].text.startswith("That question has closed; question 2 of 2 is open now.")
    verdict, summary = await harness.click("sam", second, "A)")
    assert summary.title == "One question of each kind: finished"
    assert harness.channel() == [], "a practice is private"


async def test_a_review_brings_back_what_was_missed(harness: Harness) -> None:
    [start] = await harness.send("sam", "/review")
    assert start.text.startswith("No reviews yet: try /practice")
    _, question = await harness.send("sam", "/practice sample questions:1")
    wrong = next(label for label, _ in question.choices if "Rome" not in label)
    verdict, _ = await harness.click("sam", question, wrong[:2])
    assert verdict.text.startswith("❌")
    [nothing] = await harness.send("sam", "/review")
    assert nothing.text.startswith("Nothing is due. Your next review is in 1 minute")
    await harness.advance(600)
    intro, again = await harness.send("sam", "/review")
    assert intro.text.startswith("1 question due, the most overdue first")
    assert again.title == "Review · 1/1"
    right = next(label for label, _ in again.choices if "Rome" in label)
    verdict, done = await harness.click("sam", again, right[:2])
    assert verdict.text.startswith("✅ Right:") and "Rome" in verdict.text
    assert done.title == "Review: finished"
    [progress] = await harness.send("sam", "/progress")
    assert progress.title == "Your progress"
    assert "1 seen" in progress.text and "(1 of 2 answers)" in progress.text
    assert harness.channel() == [], "reviews and progress are private"


async def test_mention_injection_pings_nobody(harness: Harness) -> None:
    attempts = [
        "/whosaid @everyone <@&123>",
        "/fact <!channel> @here",
        "/define @herein <#C1>",
        "/quotes <@U123|bob> @everyone1",
        "/timeline <!subteam^S1>",
        "/nonsense @everyone",
        "/quiz frobnicate <@123>",
        "/practice <!here>",
    ]
    for text in attempts:
        for reply in await harness.send("sam", text):
            assert not LIVE_PING.search(reply.everything), (text, reply.everything)
    [started] = await harness.send("tess", "/quiz start sample questions:1 seconds:5")
    assert started.text.startswith("Started")
    [answered] = await harness.send("mallory", "/quiz answer <!channel> @here")
    assert not LIVE_PING.search(answered.everything)
    await harness.advance(5)
    for seen in harness.channel():
        assert not LIVE_PING.search(seen.everything), seen.everything


async def test_a_daily_fact_is_posted_in_the_channel_at_its_time(harness: Harness) -> None:
    """The clock stands at 12:00 UTC: a fact of the day set for 12:01 comes a minute later, in
    the channel, with its source and a button to read more on its topic."""
    [set_] = await harness.send("tess", "/daily set 12:01 UTC")
    assert set_.title == "Daily fact set" and "Every day at 12:01 UTC" in set_.text
    assert harness.channel() == [], "setting it says nothing in the channel"
    [refused] = await harness.send("sam", "/daily set 09:00 UTC")
    assert refused.text == "Only a teacher can use /daily set."
    await harness.advance(30)
    assert harness.channel() == []
    await harness.advance(30)
    [post] = harness.channel()
    assert post.title == "Fact of the day" and post.text
    assert "—" in post.everything, "the citation: source — section"
    assert not LIVE_PING.search(post.everything)
    assert within_limits(harness, post)
    [more] = await harness.click("sam", post, "More on")
    assert more.title.startswith("Did you know?")
    [status] = await harness.send("sam", "/daily status")
    assert "Next post:" in status.text and "12:01 UTC" in status.text
    [again] = await harness.send("tess", "/daily now")
    assert "already been posted" in again.text
    await harness.advance(3600)
    assert [s.title for s in harness.channel()].count("Fact of the day") == 1
