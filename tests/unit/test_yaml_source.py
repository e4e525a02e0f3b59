import pytest
import yaml

from bot.core.content import yaml_source
from bot.core.content.yaml_source import parse_yaml


@pytest.fixture(params=["libyaml", "pure"])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "libyaml":
        if not hasattr(yaml, "CSafeLoader"):
            pytest.skip("PyYAML was built without libyaml here")
        monkeypatch.setattr(yaml_source, "LOADER", yaml.CSafeLoader)
    else:
        monkeypatch.setattr(yaml_source, "LOADER", yaml.SafeLoader)
    return str(request.param)


def test_libyaml_is_used_when_present() -> None:
    assert hasattr(yaml, "CSafeLoader") == yaml_source.USING_LIBYAML


def test_positions_are_kept_for_every_path(loader: str) -> None:
    located, problems = parse_yaml("people:\n  - id: a\n    name: A\n  - id: b\n")
    assert problems == []
    assert located is not None
    assert located.data == {"people": [{"id": "a", "name": "A"}, {"id": "b"}]}
    assert located.position(("people", 0, "name")).line == 3
    assert located.position(("people", 1)).line == 4
    # a path that does not exist falls back to its nearest ancestor
    assert located.position(("people", 1, "missing")).line == 4


def test_duplicate_keys_are_reported_not_silently_overwritten(loader: str) -> None:
    located, problems = parse_yaml("a: 1\nb: 2\na: 3\n")
    assert located is not None
    assert located.data == {"a": 1, "b": 2}
    assert len(problems) == 1
    assert problems[0].position.line == 3
    assert "duplicate key 'a' (first at line 1)" in problems[0].message


def test_malformed_yaml_is_located(loader: str) -> None:
    located, problems = parse_yaml("a: [1, 2\nb: 3\n")
    assert located is None
    assert len(problems) == 1
    assert problems[0].message.startswith("malformed YAML")
    assert problems[0].position.line >= 2


def test_alias_bomb_is_refused(loader: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_source, "MAX_NODES", 1000)
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 6):
        lines.append(f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]")
    bomb = "\n".join(lines) + "\n"
    located, problems = parse_yaml(bomb)
    assert located is None
    assert "too large" in problems[-1].message


def test_dates_and_numbers_keep_yaml_types(loader: str) -> None:
    located, _ = parse_yaml("d: 2002-05-28\nn: 12\ns: '2002'\n")
    assert located is not None
    assert str(located.data["d"]) == "2002-05-28"
    assert located.data["n"] == 12
    assert located.data["s"] == "2002"


def test_empty_document_is_not_an_error(loader: str) -> None:
    located, problems = parse_yaml("# only a comment\n")
    assert problems == []
    assert located is not None and located.data is None


@pytest.mark.parametrize("text", ["!!int", "n: !!int\n", "n: !!int ''\n"])
def test_an_empty_explicit_int_is_a_located_problem(loader: str, text: str) -> None:
    """PyYAML reads an empty !!int by its first character (an IndexError, found by the fuzz
    suite); it is a problem at its line like any unreadable value."""
    _, problems = parse_yaml(text)
    assert len(problems) == 1 and problems[0].position.line == 1
    assert "int" in problems[0].message, problems[0].message
