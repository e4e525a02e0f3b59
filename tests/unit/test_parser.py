from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.app import Lectern
from bot.core.parser import MAX_INPUT_CHARS, Parsed, ParseError, parse
from tests.conftest import TEACHER, ask


def test_name_args_and_declared_options() -> None:
    parsed = parse(
        "/Quiz  start nrc  questions:5 seconds:20", option_names=frozenset({"questions"})
    )
    assert parsed == Parsed(name="quiz", args="start nrc seconds:20", options={"questions": "5"})


def test_colons_in_free_text_stay_text() -> None:
    parsed = parse("/fact search ISAF: when?")
    assert isinstance(parsed, Parsed)
    assert parsed.args == "search ISAF: when?"


def test_errors_are_specific() -> None:
    assert isinstance(parse("   "), ParseError)
    too_long = parse("/fact " + "x" * MAX_INPUT_CHARS)
    assert isinstance(too_long, ParseError) and "limited to 500" in too_long.message
    bad_name = parse("/wh@t now")
    assert isinstance(bad_name, ParseError) and bad_name.name == "wh@t"


_COMMAND_LINES = st.one_of(
    st.text(max_size=700),
    st.builds(
        lambda name, rest: f"/{name} {rest}",
        st.sampled_from(
            ["help", "fact", "whosaid", "quotes", "quote", "define", "topics", "sources", "reload"]
        ),
        st.text(max_size=300),
    ),
    st.binary(max_size=200).map(lambda b: "/whosaid " + b.decode("utf-8", "replace")),
)


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(line=_COMMAND_LINES, teacher=st.booleans())
def test_no_input_crashes_the_parser_or_any_handler(app: Lectern, line: str, teacher: bool) -> None:
    parsed = parse(line)
    assert isinstance(parsed, Parsed | ParseError)
    replies = ask(app, line, TEACHER) if teacher else ask(app, line)
    assert replies, "every input gets an answer"
    for reply in replies:
        assert reply.text.strip()
        assert "something went wrong" not in reply.text  # no handler raised
        assert "@everyone" not in reply.text and "@here" not in reply.text
