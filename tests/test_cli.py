"""The `lectern` command line: validate, schema, run and health."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.__main__ import SCHEMA_DIR, json_schemas, main
from tests.conftest import CONTENT, FIXTURES, QUIZZES, ROOT


def test_validate_passes_on_shipped_content(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(CONTENT)]) == 0
    assert capsys.readouterr().out.startswith("OK: 2 sources")


def test_validate_fails_with_file_line_on_broken_fixtures(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["validate", "tests/fixtures/broken"]) == 1
    captured = capsys.readouterr()
    assert "tests/fixtures/broken/quotes.yaml:4:5: unknown speaker 'ghost'" in captured.out
    assert "13 error(s) in 5 file(s)." in captured.err


def test_committed_schemas_are_up_to_date() -> None:
    for name, document in json_schemas().items():
        committed = json.loads((ROOT / SCHEMA_DIR / name).read_text())
        assert committed == document, f"run `lectern schema` and commit {name}"


def _validator(folder: Path, name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads((folder / name).read_text()))


def test_schema_command_writes_schemas_that_check_content_and_quizzes(tmp_path: Path) -> None:
    assert main(["schema", "--out", str(tmp_path)]) == 0
    content = _validator(tmp_path, "content.schema.json")
    for path in sorted(CONTENT.glob("*.yaml")):
        errors = list(content.iter_errors(yaml.safe_load(path.read_text())))
        assert errors == [], (path, errors[:1])
    broken = yaml.safe_load((FIXTURES / "broken" / "people.yaml").read_text())
    assert list(content.iter_errors(broken)), "the schema catches the unknown key 'rol'"
    quiz = _validator(tmp_path, "quiz.schema.json")
    for path in sorted(QUIZZES.glob("*.yaml")):
        errors = list(quiz.iter_errors(yaml.safe_load(path.read_text())))
        assert errors == [], (path, errors[:1])
    bad = yaml.safe_load((FIXTURES / "quizzes-broken" / "mixed.yaml").read_text())
    assert list(quiz.iter_errors(bad)), "the schema catches an unknown question type"


@pytest.mark.parametrize(("folder", "schema"), [(CONTENT, "content"), (QUIZZES, "quiz")])
def test_every_file_points_editors_at_its_schema(folder: Path, schema: str) -> None:
    files = sorted(folder.rglob("*.yaml"))
    assert files
    for path in files:
        first = path.read_text().splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../schema/{schema}.schema.json", path


def test_run_refuses_adapters_it_cannot_start(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("LECTERN_DISCORD_TOKEN", raising=False)
    monkeypatch.setenv("LECTERN_ADAPTERS", "discord")
    assert main(["run"]) == 2
    assert "LECTERN_DISCORD_TOKEN: the discord adapter needs the bot's token" in (
        capsys.readouterr().err
    )
    for variable in ("BOT_TOKEN", "APP_TOKEN", "SIGNING_SECRET", "MODE"):
        monkeypatch.delenv(f"LECTERN_SLACK_{variable}", raising=False)
    monkeypatch.setenv("LECTERN_ADAPTERS", "slack")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "LECTERN_SLACK_BOT_TOKEN: the slack adapter needs the bot token" in err
    assert "LECTERN_SLACK_APP_TOKEN: Socket Mode needs an app-level token" in err
    monkeypatch.setenv("LECTERN_SLACK_BOT_TOKEN", "xoxb-x")
    monkeypatch.setenv("LECTERN_SLACK_MODE", "http")
    assert main(["run"]) == 2
    assert "LECTERN_SLACK_SIGNING_SECRET: HTTP mode needs the signing secret" in (
        capsys.readouterr().err
    )
    monkeypatch.setenv("LECTERN_SLACK_MODE", "carrier-pigeon")
    assert main(["run"]) == 2
    assert "LECTERN_SLACK_MODE='carrier-pigeon': choose socket or http" in capsys.readouterr().err
    monkeypatch.setenv("LECTERN_DISCORD_TOKEN", "x")
    monkeypatch.setenv("LECTERN_ADAPTERS", "console,discord")
    assert main(["run"]) == 2
    assert "the console runs alone" in capsys.readouterr().err
    monkeypatch.setenv("LECTERN_ADAPTERS", "telegram")
    assert main(["run"]) == 2
    assert "choose from console, discord, slack" in capsys.readouterr().err


def test_health(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("LECTERN_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'h.db'}")
    assert main(["health"]) == 0
    assert (tmp_path / "h.db").exists(), "the database is created and migrated"
    monkeypatch.setenv("LECTERN_DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/none")
    assert main(["health"]) == 1
    assert "unhealthy: cannot open the database" in capsys.readouterr().err
    monkeypatch.setenv("LECTERN_CONTENT_DIR", str(FIXTURES / "broken"))
    assert main(["health"]) == 1
    assert "unhealthy: content has" in capsys.readouterr().err


def test_secrets_never_show_in_settings_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import Settings

    monkeypatch.setenv("LECTERN_DISCORD_TOKEN", "super-secret-token")
    settings = Settings()
    assert "super-secret-token" not in repr(settings)
    assert "super-secret-token" not in str(settings.model_dump())
    assert settings.discord_token is not None
    assert settings.discord_token.get_secret_value() == "super-secret-token"


def test_stats_reports_counts_and_gaps(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Content: 2 sources, 13 topics")
    assert "toktogulov-nrc-afghanistan helicopter-trust-fund" in out
    assert "Every section is cited by at least one fact." in out
    assert main(["stats", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["uncited_sections"] == []
    assert report["kinds"]["facts"] >= 150
    sections = {f"{s['source_id']} {s['section_id']}": s["counts"] for s in report["sections"]}
    assert sections["ffi-2007-01671-nato-csto 2.5"]["facts"] >= 1


def test_stats_names_sections_no_fact_cites(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    course = (FIXTURES / "good" / "course.yaml").read_text()
    course = course.replace(
        '      - {id: "2", title: Two}',
        '      - {id: "2", title: Two}\n      - {id: "3", title: Three}',
    )
    (tmp_path / "course.yaml").write_text(course)
    monkeypatch.setenv("LECTERN_CONTENT_DIR", str(tmp_path))
    (tmp_path / "quizzes").mkdir()
    monkeypatch.setenv("LECTERN_QUIZ_DIR", str(tmp_path / "quizzes"))
    assert main(["stats"]) == 0
    assert "Sections no fact cites: src 3" in capsys.readouterr().out
