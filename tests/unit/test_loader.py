from pathlib import Path

import pytest

from bot.core.commands.content_render import fact_reply
from bot.core.content.loader import load_catalog
from bot.core.content.problems import ContentErrors
from bot.core.course.library import ContentLibrary
from tests.conftest import FIXTURES, ROOT


def problems_of(*paths: Path) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        load_catalog(list(paths), root=ROOT)
    return [str(p) for p in caught.value.problems]


def test_good_fixture_loads_with_cross_references() -> None:
    catalog = load_catalog([FIXTURES / "good"])
    assert set(catalog.people) == {"ada", "bob"}
    assert catalog.quotes["ada-engine"].speaker == "ada"
    assert catalog.facts["fact-one"].date == "1837"  # an unquoted year is accepted
    assert catalog.events["engine-designed"].date == "1837-01-01"  # so is an unquoted date
    citation = catalog.citation(catalog.quotes["ada-engine"].cite)
    assert citation.render() == "A test source — §1 One, note 3"


def test_every_problem_of_a_run_is_reported_at_once_with_file_line_col() -> None:
    found = problems_of(FIXTURES / "broken")
    expected = [
        "tests/fixtures/broken/binary.yaml:3:1: file is not UTF-8 text",
        "tests/fixtures/broken/malformed.yaml:5:1: malformed YAML",
        "tests/fixtures/broken/people.yaml:4:5: people[0]: unknown key 'rol' "
        "(did you mean 'role'?)",
        "tests/fixtures/broken/people.yaml:5:5: duplicate person id 'ada' "
        "(first defined at tests/fixtures/broken/people.yaml:2)",
        "tests/fixtures/broken/people.yaml:7:5: people[2]: missing required key 'id'",
        "tests/fixtures/broken/people.yaml:8:5: people[2].aliases: Input should be a valid list",
        "tests/fixtures/broken/quotes.yaml:4:5: unknown speaker 'ghost'",
        "tests/fixtures/broken/quotes.yaml:5:12: unknown source 'nowhere'",
        "tests/fixtures/broken/quotes.yaml:9:5: duplicate key 'speaker' (first at line 8)",
        "tests/fixtures/broken/quotes.yaml:11:5: quotes[1].date: date must be "
        "YYYY, YYYY-MM or YYYY-MM-DD, got 'May 2002'",
        "tests/fixtures/broken/sources.yaml:5:5: sources[0].year: Input should be a valid integer",
        "tests/fixtures/broken/sources.yaml:12:14: unknown topic 'missing-topic'",
        "tests/fixtures/broken/sources.yaml:14:1: unknown key 'factz' (did you mean 'facts'?)",
    ]
    assert len(found) == len(expected), "\n".join(found)
    for line, prefix in zip(found, expected, strict=True):
        assert line.startswith(prefix), (line, prefix)


def test_dangling_section_and_duplicate_across_files(tmp_path: Path) -> None:
    good = (FIXTURES / "good" / "course.yaml").read_text()
    (tmp_path / "a.yaml").write_text(good)
    (tmp_path / "b.yaml").write_text(
        "quotes:\n"
        "  - id: ada-engine\n"
        "    text: Again.\n"
        "    speaker: adaa\n"
        "    cite: {source: src, section: '7'}\n"
    )
    found = problems_of(tmp_path)
    assert any(
        "b.yaml:2:5: duplicate quote id 'ada-engine' (first defined at" in p and "a.yaml:" in p
        for p in found
    ), found
    assert any("b.yaml:4:5: unknown speaker 'adaa' (did you mean 'ada'?)" in p for p in found)
    assert any("b.yaml:5:" in p and "has no section '7' (known: 1, 2)" in p for p in found)


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    assert problems_of(tmp_path) == [f"{tmp_path}:1:1: no content files (*.yaml, *.yml) found"]


def test_top_level_must_be_a_mapping_and_kinds_lists(tmp_path: Path) -> None:
    (tmp_path / "list.yaml").write_text("- just\n- a list\n")
    (tmp_path / "kind.yaml").write_text("facts: {id: x}\n")
    found = problems_of(tmp_path)
    assert any("list.yaml:1:1: the top level must be a mapping" in p for p in found)
    assert any("kind.yaml:1:1: 'facts' must be a list" in p for p in found)


def test_reload_keeps_last_good_content_and_reports_errors(tmp_path: Path) -> None:
    course = tmp_path / "course.yaml"
    course.write_text((FIXTURES / "good" / "course.yaml").read_text())
    library = ContentLibrary([tmp_path], root=tmp_path)
    before = library.catalog
    course.write_text(course.read_text().replace("speaker: ada\n", "speaker: nobody\n"))
    problems = library.reload()
    assert [str(p) for p in problems] == ["course.yaml:25:5: unknown speaker 'nobody'"]
    assert library.catalog is before  # still serving the last good content
    course.write_text(course.read_text().replace("speaker: nobody\n", "speaker: bob\n"))
    assert library.reload() == []
    assert library.catalog is not before
    assert library.catalog.quotes["ada-engine"].speaker == "bob"


def test_loading_fails_loudly_at_start_up(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("facts: [\n")
    with pytest.raises(ContentErrors):
        ContentLibrary([tmp_path])


def test_a_bibliography_reference_renders_apart_from_a_footnote() -> None:
    from bot.core.messages import Citation

    cited = Citation("s", "Report", "2.5", "Realism", ref=38, page="12")
    assert cited.render() == "Report — §2.5 Realism, ref. [38], p. 12"


def test_an_item_may_cite_several_sections_and_each_is_checked(tmp_path: Path) -> None:
    good = (FIXTURES / "good" / "course.yaml").read_text()
    (tmp_path / "a.yaml").write_text(good)
    (tmp_path / "b.yaml").write_text(
        "facts:\n"
        "  - id: fact-both\n"
        "    text: Engines and bridges.\n"
        "    topics: [alpha]\n"
        "    cite: {source: src, section: '1'}\n"
        "    also_cite:\n"
        "      - {source: src, section: '2', footnote: 4}\n"
    )
    catalog = load_catalog([tmp_path])
    fact = catalog.facts["fact-both"]
    assert [(c.section, c.footnote) for c in fact.cites] == [("1", None), ("2", 4)]
    rendered = [c.render() for c in catalog.citations(fact.cites)]
    assert rendered == ["A test source — §1 One", "A test source — §2 Two, note 4"]
    assert fact_reply(catalog, fact, "Fact").citations == catalog.citations(fact.cites)
    # The same section twice is one citation.
    assert len(catalog.citations([fact.cite, fact.cite])) == 1

    (tmp_path / "b.yaml").write_text(
        (tmp_path / "b.yaml").read_text().replace("section: '2'", "section: '9'")
    )
    found = problems_of(tmp_path)
    assert any("b.yaml:7:" in p and "has no section '9' (known: 1, 2)" in p for p in found), found
