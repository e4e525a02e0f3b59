import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.fit import CONT, DISCORD, SLACK, fit, fit_one
from bot.core.messages import Attachment, Choice, Field, Limits, Reply
from bot.core.text import defuse_mentions

LIVE_PINGS = (re.compile(r"@(everyone|here|channel)", re.IGNORECASE), re.compile(r"<[@!#]"))
BRACKETED = re.compile(r"\[[^\[\]\n]*\]")
PAGER = "/define"

LETTERS = "abcdefghijklmnopqrstuvwxyzé"
word = st.text(LETTERS, min_size=1, max_size=10)
spans = st.lists(word, min_size=1, max_size=5).map(" ".join)
mention = st.sampled_from(["@everyone", "@herein", "@HERE", "<@&123>", "<!channel>", "<#C1>"])
token = st.one_of(
    word,
    word,
    word,
    st.text(LETTERS, min_size=40, max_size=120),  # longer than the small limits: cut hard
    mention,
    st.sampled_from(["[q-putin-1]", "ref. [38]"]),
    spans.map(lambda s: f"[{s}]"),
    spans.map(lambda s: f"({s})"),
)
sentence = st.builds(
    lambda ws, end: " ".join(ws) + end,
    st.lists(token, min_size=1, max_size=12),
    st.sampled_from([".", "!", "?", "…", ""]),
)
paragraph = st.builds(
    lambda ss, sep: sep.join(ss), st.lists(sentence, min_size=1, max_size=5), st.sampled_from(" \n")
)
text = st.lists(paragraph, max_size=5).map("\n\n".join)
label = st.builds(
    lambda a, m, b: f"{a} {m} {b}"[:200], st.text(LETTERS + " ", max_size=150), mention, word
)
choices = st.lists(label, max_size=40).map(
    lambda labels: tuple(Choice(lab, f"/pick {i}") for i, lab in enumerate(labels))
)
fields = st.lists(st.builds(Field, sentence, paragraph, st.booleans()), max_size=4).map(tuple)
limits = st.builds(
    Limits,
    text_chars=st.one_of(st.integers(40, 300), st.integers(300, 5000)),
    title_chars=st.integers(20, 300),
    fields=st.integers(1, 25),
    field_name_chars=st.integers(20, 256),
    field_value_chars=st.integers(20, 1024),
    choices=st.integers(3, 25),
    choice_label_chars=st.integers(10, 80),
    choice_value_chars=st.integers(40, 100),
)


def replies(pager: str | None = None) -> st.SearchStrategy[Reply]:
    return st.builds(
        Reply,
        text=text,
        title=st.none() | sentence,
        fields=fields,
        choices=choices,
        ephemeral=st.booleans(),
        pager=st.just(pager),
    )


def assert_within(reply: Reply, limits: Limits) -> None:
    assert len(reply.text) <= limits.text_chars
    assert reply.title is None or len(reply.title) <= limits.title_chars
    assert len(reply.fields) <= limits.fields
    assert len(reply.choices) <= limits.choices
    for f in reply.fields:
        assert len(f.name) <= limits.field_name_chars
        assert len(f.value) <= limits.field_value_chars
    for c in reply.choices:
        assert len(c.label) <= limits.choice_label_chars
        assert len(c.value) <= limits.choice_value_chars
    shown = [reply.text, reply.title or ""]
    shown += [s for f in reply.fields for s in (f.name, f.value)] + [c.label for c in reply.choices]
    for string in shown:
        for ping in LIVE_PINGS:
            assert not ping.search(string), string


def assert_pieces(original: str, chunks: list[str], limit: int) -> None:
    """`chunks` are `original` in order, with only whitespace between them, cut safely."""
    pos, previous_end = 0, None
    for chunk in (c.strip() for c in chunks if c.strip()):
        start = len(original) - len(original[pos:].lstrip())
        assert original.startswith(chunk, start), (chunk, original[start:])
        if previous_end == start:  # cut hard: only inside a word longer than the limit
            (long_word,) = [w for w in re.finditer(r"\S+", original) if w.start() < start < w.end()]
            assert len(long_word.group()) > limit
        if previous_end is not None:
            for span in BRACKETED.finditer(original):
                if len(span.group()) < limit:
                    assert not (span.start() < previous_end and start < span.end()), span.group()
        pos = previous_end = start + len(chunk)
    assert not original[pos:].strip()
    if all(len(w) <= limit for w in original.split()):
        assert " ".join(chunks).split() == original.split()


def assert_label(shown: str, original: str) -> None:
    original = defuse_mentions(original)
    assert shown in (original, original.strip()) or (
        shown.endswith("…") and original.strip().startswith(shown[:-1])
    )


@settings(max_examples=50, deadline=None)
@given(replies(), limits)
def test_fit_keeps_every_part_within_the_limits_and_in_order(reply: Reply, lim: Limits) -> None:
    out = fit(reply, lim)
    for part in out:
        assert_within(part, lim)
        assert part.ephemeral == reply.ephemeral
        assert part.pager is None
    assert_pieces(defuse_mentions(reply.text), [p.text for p in out], lim.text_chars)
    shown = [c for p in out for c in p.choices]
    assert [c.value for c in shown] == [c.value for c in reply.choices]
    for got, wanted in zip(shown, reply.choices, strict=True):
        assert_label(got.label, wanted.label)
    out_fields = [f for p in out for f in p.fields]
    for f in reply.fields:
        pieces = [out_fields.pop(0)]
        while out_fields and out_fields[0].name.endswith(CONT):
            pieces.append(out_fields.pop(0))
        assert_label(pieces[0].name, f.name)
        assert_pieces(defuse_mentions(f.value), [p.value for p in pieces], lim.field_value_chars)
    assert not out_fields
    if reply.title is not None:
        assert_label(out[0].title or "", reply.title)
        assert all((p.title or "").endswith(CONT) for p in out[1:])


@settings(max_examples=50, deadline=None)
@given(replies(PAGER), limits)
def test_paging_walks_every_choice_and_word_exactly_once(reply: Reply, lim: Limits) -> None:
    pages: list[Reply] = []
    number: int | None = 1
    while number is not None:
        assert number == len(pages) + 1 < 1000
        (page,) = fit(reply, lim, page=number)
        assert_within(page, lim)
        nav = [c.value for c in page.choices if c.value.startswith(f"{PAGER} page:")]
        previous = [f"{PAGER} page:{number - 1}"] if number > 1 else []
        assert nav[: len(previous)] == previous
        assert nav[len(previous) :] in ([], [f"{PAGER} page:{number + 1}"])
        pages.append(page)
        number = number + 1 if len(nav) > len(previous) else None
    own = [c.value for p in pages for c in p.choices if not c.value.startswith(PAGER)]
    assert own == [c.value for c in reply.choices]
    assert_pieces(defuse_mentions(reply.text), [p.text for p in pages], lim.text_chars)
    assert all(p.fields == pages[0].fields and p.pager == PAGER for p in pages)
    if len(pages) > 1 and reply.title is not None:
        assert all(
            (p.title or "").endswith(f" (page {k}/{len(pages)})") for k, p in enumerate(pages, 1)
        )
    assert fit(reply, lim, page=0) == [pages[0]]
    assert fit(reply, lim, page=999) == [pages[-1]]


@settings(max_examples=50, deadline=None)
@given(replies() | replies(PAGER), limits)
def test_fit_one_is_one_message_within_the_limits(reply: Reply, lim: Limits) -> None:
    one = fit_one(reply, lim)
    assert_within(one, lim)
    if reply.pager is None:
        assert_label(one.text, reply.text)


def test_a_reply_within_the_limits_comes_back_unchanged() -> None:
    reply = Reply(
        "Two  spaces\nand a line. [q-putin-1]",
        title="Title",
        fields=(Field("a", "b"),),
        choices=(Choice("Pick", "/pick 1"),),
        attachment=Attachment("a.txt", b"x"),
    )
    assert fit(reply, DISCORD) == [reply]
    assert fit(Reply("ask @everyone", pager=PAGER), SLACK) == [
        Reply(defuse_mentions("ask @everyone"), pager=PAGER)
    ]


def test_nine_thousand_characters_become_three_discord_messages() -> None:
    paragraphs = [" ".join(f"Sentence {j} of paragraph {i}." for j in range(15)) for i in range(22)]
    reply = Reply("\n\n".join(paragraphs), title="Reading", attachment=Attachment("r.txt", b"r"))
    assert 9000 <= len(reply.text) < 10000
    out = fit(reply, DISCORD)
    assert [p.title for p in out] == ["Reading", "Reading (cont.)", "Reading (cont.)"]
    assert [p.attachment for p in out] == [None, None, reply.attachment]
    assert "\n\n".join(p.text for p in out) == reply.text  # broken at paragraphs


def test_a_long_list_with_a_pager_shows_page_one_with_next() -> None:
    terms = [f"term{i}" for i in range(74)]
    reply = Reply(
        "\n".join(f"{t}: what {t} means." for t in terms),
        title="Glossary",
        choices=tuple(Choice(t, f"/define {t}") for t in terms),
        pager=PAGER,
    )
    (page,) = fit(reply, SLACK)
    assert page.title == "Glossary (page 1/4)"
    assert page.choices[-1] == Choice("Next ▸", "/define page:2")
    assert len(page.choices) == SLACK.choices - 1


def test_a_long_field_value_becomes_three_discord_fields() -> None:
    (out,) = fit(Reply("x", fields=(Field("Notes", " ".join(["lorem"] * 500)),)), DISCORD)
    assert [f.name for f in out.fields] == ["Notes", "Notes (cont.)", "Notes (cont.)"]


def test_a_choice_value_too_long_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match=r"y{101}"):
        fit(Reply("x", choices=(Choice("x", "y" * 101),)), DISCORD)


def test_fit_one_cuts_word_safely_and_drops_the_overflow() -> None:
    reply = Reply(
        "alpha beta gamma delta " * 300,
        title="alpha beta gamma " * 20,
        fields=tuple(Field(f"f{i}", "v") for i in range(12)),
        choices=tuple(Choice(f"c{i}", f"/c {i}") for i in range(30)),
    )
    one = fit_one(reply, SLACK)
    assert_within(one, SLACK)
    assert one.text.endswith(("alpha…", "beta…", "gamma…", "delta…"))
    assert [f.name for f in one.fields] == [f"f{i}" for i in range(10)]
    assert [c.value for c in one.choices] == [f"/c {i}" for i in range(25)]
