"""Loads content/ into a Catalog, or reports every problem at once as file:line:col: message."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from rapidfuzz import process

from bot.core.content.catalog import Catalog
from bot.core.content.models import (
    KINDS,
    Cite,
    ContentFile,
    Event,
    Fact,
    Model,
    Quote,
    Source,
)
from bot.core.content.problems import ContentErrors, Problem
from bot.core.content.yaml_source import Located, YamlPath, parse_yaml

YAML_SUFFIXES = (".yaml", ".yml")
_SINGULAR = {"people": "person"} | {kind: kind[:-1] for kind in KINDS if kind != "people"}
MAX_FILE_BYTES = 5_000_000

_MODELS: dict[str, type[Model]] = {
    name: get_args(field.annotation)[0] for name, field in ContentFile.model_fields.items()
}


@dataclass(frozen=True, slots=True)
class _Item:
    kind: str
    model: Any  # None when the item failed validation (its problems are already reported)
    id: str
    file: str
    located: Located
    path: YamlPath

    def problem(self, message: str, *more: str | int) -> Problem:
        where = self.located.position((*self.path, *more))
        return Problem(self.file, where.line, where.column, message)


def content_files(paths: Iterable[Path]) -> list[Path]:
    """Every YAML file at or below `paths`, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file())
            )
        else:
            found.append(path)
    return found


def _describe(error: ErrorDetails, label: str) -> str:
    kind = error["type"]
    if kind == "missing":
        return f"{label.rsplit('.', 1)[0]}: missing required key '{error['loc'][-1]}'"
    if kind == "extra_forbidden":
        return f"{label}: unknown key"
    return f"{label}: {error['msg'].removeprefix('Value error, ')}"


def _label(path: YamlPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _unknown_key(key: str, allowed: Sequence[str]) -> str:
    guess = process.extractOne(key, allowed, score_cutoff=60)
    hint = f" (did you mean '{guess[0]}'?)" if guess else ""
    return f"unknown key '{key}'{hint}; allowed: {', '.join(allowed)}"


def _child(value: Any, part: str | int) -> Any:
    if isinstance(value, dict):
        return value.get(part)
    if isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
        return value[part]
    return None


def _in_document(raw: Any, loc: YamlPath) -> YamlPath:
    """`loc` without the tags pydantic inserts for a discriminated union ('choice' in
    questions.0.choice.choices), which are values in the document, not keys."""
    kept: list[str | int] = []
    current = raw
    for part in loc:
        if isinstance(current, dict) and part not in current and part == current.get("type"):
            continue
        kept.append(part)
        current = _child(current, part)
    return tuple(kept)


def validate_item(
    model: type[Model],
    raw: Any,
    file: str,
    located: Located,
    path: YamlPath,
    also_allowed: Sequence[str] = (),
) -> tuple[Any | None, list[Problem]]:
    """Validate `raw` (found at `path` in `file`) as `model`; problems carry file:line:col.
    `also_allowed`: keys taken out of `raw` and checked elsewhere, named in "allowed: ..." too."""
    try:
        return model.model_validate(raw), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = _in_document(raw, tuple(p for p in error["loc"] if isinstance(p, int | str)))
            full = (*path, *loc)
            where = located.position(full)
            if error["type"] == "extra_forbidden":
                owner = _owner_model(model, loc[:-1], raw)
                owner_label = _label(full[:-1])  # empty for a key at the top of the file
                allowed = list(owner.model_fields) if owner else []
                if not loc[:-1]:
                    allowed += also_allowed
                message = (f"{owner_label}: " if owner_label else "") + _unknown_key(
                    str(loc[-1]), allowed
                )
            else:
                message = _describe(error, _label(full))
            problems.append(Problem(file, where.line, where.column, message))
        return None, problems


def _nested_model(annotation: Any, raw: Any = None) -> type[BaseModel] | None:
    """The model inside an annotation such as `Cite | None` or `list[Section]`; in a union of
    models tagged by `type`, the one whose tag the item (`raw`) carries."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    models = [m for arg in get_args(annotation) if (m := _nested_model(arg, raw)) is not None]
    tag = raw.get("type") if isinstance(raw, dict) else None
    for found in models:
        tag_field = found.model_fields.get("type")
        if tag is not None and tag_field is not None and tag in get_args(tag_field.annotation):
            return found
    return models[0] if models else None


def _owner_model(model: type[BaseModel], loc: YamlPath, raw: Any) -> type[BaseModel] | None:
    """The model that owns the key at `loc` inside `model` (for 'did you mean' hints)."""
    current: type[BaseModel] | None = model
    for index, part in enumerate(loc):
        if current is None:
            return None
        raw = _child(raw, part)
        if isinstance(part, str):
            field = current.model_fields.get(part)
            following = loc[index + 1] if index + 1 < len(loc) else None
            item = _child(raw, following) if isinstance(following, int) else raw
            current = _nested_model(field.annotation, item) if field else None
    return current


def display_name(path: Path, root: Path | None) -> str:
    return str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)


def read_yaml(path: Path, name: str) -> tuple[Located | None, list[Problem]]:
    """Read and parse one YAML file, reporting problems under `name`."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(name, 1, 1, f"cannot read file: {exc.strerror}")]
    if len(raw) > MAX_FILE_BYTES:
        return None, [Problem(name, 1, 1, f"file larger than {MAX_FILE_BYTES} bytes")]
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark from a Windows editor is no content
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(name, line, 1, "file is not UTF-8 text")]
    located, yaml_problems = parse_yaml(text)
    problems = [Problem(name, p.position.line, p.position.column, p.message) for p in yaml_problems]
    return located, problems


def _read_file(path: Path, root: Path | None) -> tuple[list[_Item], list[Problem]]:
    """Parse and validate one file. Items that fail validation come back with `model=None`."""
    name = display_name(path, root)
    located, problems = read_yaml(path, name)
    if located is None or located.data is None:
        return [], problems
    if not isinstance(located.data, dict):
        problems.append(Problem(name, 1, 1, f"the top level must be a mapping of {KINDS}"))
        return [], problems
    items: list[_Item] = []
    for kind, entries in located.data.items():
        where = located.position((kind,))
        if kind not in _MODELS:
            problems.append(
                Problem(name, where.line, where.column, _unknown_key(str(kind), list(KINDS)))
            )
            continue
        if entries is None:
            continue
        if not isinstance(entries, list):
            problems.append(Problem(name, where.line, where.column, f"'{kind}' must be a list"))
            continue
        for index, raw_item in enumerate(entries):
            model, item_problems = validate_item(
                _MODELS[kind], raw_item, name, located, (kind, index)
            )
            problems.extend(item_problems)
            item_id = model.id if model is not None else _raw_id(raw_item)
            if item_id is not None:
                items.append(_Item(kind, model, item_id, name, located, (kind, index)))
    return items, problems


def _raw_id(raw: object) -> str | None:
    value = raw.get("id") if isinstance(raw, dict) else None
    return value if isinstance(value, str) else None


def suggest(name: str, known: Iterable[str]) -> str:
    guess = process.extractOne(name, list(known), score_cutoff=70)
    return f" (did you mean '{guess[0]}'?)" if guess else ""


def cite_problem(cite: Cite, sources: Mapping[str, Source | None]) -> tuple[str, str] | None:
    """What is wrong with `cite` and under which key, or None when it resolves."""
    if cite.source not in sources:
        return f"unknown source '{cite.source}'{suggest(cite.source, sources)}", "source"
    source = sources[cite.source]
    if source is not None and all(s.id != cite.section for s in source.sections):
        known = ", ".join(s.id for s in source.sections)
        return f"source '{cite.source}' has no section '{cite.section}' (known: {known})", "section"
    return None


def cite_paths(model: object) -> list[tuple[tuple[str | int, ...], Cite]]:
    """Each citation of an item with where it is written: `cite`, then `also_cite[i]`."""
    cite = getattr(model, "cite", None)
    if not isinstance(cite, Cite):
        return []
    also: list[Cite] = getattr(model, "also_cite", [])
    return [(("cite",), cite), *((("also_cite", i), c) for i, c in enumerate(also))]


def _cross_check(items: list[_Item]) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    """Duplicate ids and dangling references, across all files.

    Items that failed validation still count as defined, so that one typo in a person does not
    also turn every quote of theirs into an 'unknown speaker' error.
    """
    problems: list[Problem] = []
    by_kind: dict[str, dict[str, _Item]] = {kind: {} for kind in KINDS}
    for item in items:
        seen = by_kind[item.kind]
        first = seen.get(item.id)
        if first is not None:
            where = first.located.position(first.path)
            problems.append(
                item.problem(
                    f"duplicate {_SINGULAR[item.kind]} id '{item.id}' "
                    f"(first defined at {first.file}:{where.line})",
                    "id",
                )
            )
            continue
        seen[item.id] = item

    sources: dict[str, Source | None] = {k: v.model for k, v in by_kind["sources"].items()}
    for item in items:
        model = item.model
        for path, cite in cite_paths(model):
            if (found := cite_problem(cite, sources)) is not None:
                problems.append(item.problem(found[0], *path, found[1]))
        if isinstance(model, Quote) and model.speaker not in by_kind["people"]:
            hint = suggest(model.speaker, by_kind["people"])
            problems.append(item.problem(f"unknown speaker '{model.speaker}'{hint}", "speaker"))
        if isinstance(model, Fact | Event):
            for index, topic in enumerate(model.topics):
                if topic not in by_kind["topics"]:
                    hint = suggest(topic, by_kind["topics"])
                    problems.append(item.problem(f"unknown topic '{topic}'{hint}", "topics", index))
    models = {
        kind: {k: v.model for k, v in seen.items() if v.model is not None}
        for kind, seen in by_kind.items()
    }
    return models, problems


def load_catalog(paths: Sequence[Path], root: Path | None = None) -> Catalog:
    """Load every YAML file at or below `paths`. Raises ContentErrors with all problems."""
    files = content_files(paths)
    problems: list[Problem] = []
    items: list[_Item] = []
    if not files:
        shown = ", ".join(str(p) for p in paths)
        raise ContentErrors([Problem(shown, 1, 1, "no content files (*.yaml, *.yml) found")])
    for path in files:
        if not path.exists():
            problems.append(Problem(str(path), 1, 1, "no such file or folder"))
            continue
        file_items, file_problems = _read_file(path, root)
        items.extend(file_items)
        problems.extend(file_problems)
    models, cross_problems = _cross_check(items)
    problems.extend(cross_problems)
    if problems:
        raise ContentErrors(problems)
    return Catalog(
        sources=models["sources"],
        topics=models["topics"],
        people=models["people"],
        quotes=models["quotes"],
        facts=models["facts"],
        terms=models["terms"],
        events=models["events"],
    )
