"""YAML parsing that keeps every value's position and rejects duplicate keys.

PyYAML builds plain dicts, forgetting where each value was and silently keeping the last of two
equal keys. We let libyaml (CSafeLoader, when installed) compose the node tree, then build the
Python values ourselves so that each path into the document keeps its line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

YamlPath = tuple[str | int, ...]

LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
USING_LIBYAML = LOADER is not yaml.SafeLoader

# Bounds that keep any file's judgement under a couple of seconds, with room for a course many
# times the shipped one (its largest file has some 4,000 YAML events).
MAX_EVENTS = 50_000  # parsing events, counted before the (slower) composition
MAX_NODES = 100_000  # values built, aliases expanded: guards against "billion laughs"
MAX_DEPTH = 64
MAX_PROBLEMS = 100  # per file: a file of 400k duplicate keys is not 400k lines of report
_CORE = "tag:yaml.org,2002:"
SCALAR_TAGS = frozenset(_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp"))


@dataclass(frozen=True, slots=True)
class Position:
    line: int
    column: int


@dataclass(slots=True)
class Located:
    """A parsed document and the position of every path into it."""

    data: Any
    positions: dict[YamlPath, Position] = field(default_factory=dict)

    def position(self, path: YamlPath) -> Position:
        """Position of `path`, or of its nearest ancestor that has one (a missing key's parent)."""
        for end in range(len(path), -1, -1):
            found = self.positions.get(path[:end])
            if found is not None:
                return found
        return Position(1, 1)


class YamlProblem(Exception):
    def __init__(self, position: Position, message: str) -> None:
        super().__init__(message)
        self.position = position
        self.message = message


def _position(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    def __init__(self) -> None:
        self._constructor = LOADER("")
        self.positions: dict[YamlPath, Position] = {}
        self.problems: list[YamlProblem] = []
        self._count = 0

    def build(self, node: yaml.Node, path: YamlPath, depth: int = 0) -> Any:
        self._count += 1
        if self._count > MAX_NODES:
            raise YamlProblem(_position(node), f"document too large (over {MAX_NODES} values)")
        if depth > MAX_DEPTH:
            raise YamlProblem(_position(node), f"nesting deeper than {MAX_DEPTH} levels")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _CORE + "seq":
                raise YamlProblem(
                    _position(node), f"the tag {_short(node.tag)} is not allowed here"
                )
            items = []
            for index, child in enumerate(node.value):
                self.positions[(*path, index)] = _position(child)
                items.append(self.build(child, (*path, index), depth + 1))
            return items
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        """The value of a scalar node, or a problem at its own position: whatever the text and
        its tag, nothing escapes but a YamlProblem."""
        if not isinstance(node, yaml.ScalarNode) or node.tag not in SCALAR_TAGS:
            raise YamlProblem(
                _position(node),
                f"the tag {_short(node.tag)} is not allowed: write plain text, a number, "
                "true/false or a date",
            )
        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as exc:
            raise YamlProblem(_position(node), exc.problem or str(exc)) from exc
        # IndexError: PyYAML reads an empty !!int by its first character.
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError, IndexError) as exc:
            raise YamlProblem(_position(node), _unreadable(node, exc)) from exc

    def _mapping(self, node: yaml.MappingNode, path: YamlPath, depth: int) -> dict[Any, Any]:
        if node.tag != _CORE + "map":
            raise YamlProblem(_position(node), f"the tag {_short(node.tag)} is not allowed here")
        try:
            self._constructor.flatten_mapping(node)  # resolves "<<" merge keys
        except yaml.MarkedYAMLError as exc:
            raise YamlProblem(_position(node), exc.problem or str(exc)) from exc
        except RecursionError as exc:  # a merge key that refers to itself
            raise YamlProblem(_position(node), "a merge key ('<<') refers to itself") from exc
        result: dict[Any, Any] = {}
        first_seen: dict[Any, Position] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(YamlProblem(_position(key_node), "a key must be plain text"))
                continue
            try:
                key = self._scalar(key_node)
                hash(key)
            except YamlProblem as problem:
                self.problems.append(problem)
                continue
            except TypeError:
                self.problems.append(YamlProblem(_position(key_node), "a key must be plain text"))
                continue
            where = _position(key_node)
            if key in first_seen:
                before = first_seen[key]
                self.problems.append(
                    YamlProblem(
                        where,
                        f"duplicate key {key!r} (first at line {before.line}); "
                        "YAML would silently keep only the last one",
                    )
                )
                continue
            first_seen[key] = where
            self.positions[(*path, key)] = where
            result[key] = self.build(value_node, (*path, key), depth + 1)
        return result


def _short(tag: str) -> str:
    return "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag


def _unreadable(node: yaml.ScalarNode, exc: Exception) -> str:
    value = node.value if len(node.value) <= 40 else node.value[:40] + "…"
    kind = node.tag.removeprefix(_CORE)
    if kind == "int" and len(node.value) > 4000:
        return f"a number of {len(node.value)} digits is too long"
    if kind == "timestamp":
        return (
            f"'{value}' is not a real date ({exc})"
            if isinstance(exc, ValueError)
            else (f"'{value}' is not a date (write YYYY-MM-DD)")
        )
    return f"'{value}' cannot be read as {_short(node.tag)}"


def _position_in(text: str, index: int) -> Position:
    """Line and column of character `index` of `text`."""
    line_start = text.rfind("\n", 0, index) + 1
    return Position(text.count("\n", 0, index) + 1, index - line_start + 1)


def _count_events(text: str) -> None:
    """Raise a problem when the document is too big to judge quickly; cheap next to composing."""
    for count, event in enumerate(yaml.parse(text, Loader=LOADER), start=1):
        if count > MAX_EVENTS:
            mark = event.start_mark
            raise YamlProblem(
                Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1),
                f"document too large (over {MAX_EVENTS} YAML values): split it into files",
            )


def parse_yaml(text: str) -> tuple[Located | None, list[YamlProblem]]:
    """Parse one YAML document. Returns the located data (None if unreadable) and the problems,
    each at a real position. Whatever the text, nothing but these escapes."""
    located, problems = _parse(text)
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - MAX_PROBLEMS
        problems = [
            *problems[:MAX_PROBLEMS],
            YamlProblem(problems[MAX_PROBLEMS].position, f"… and {more} more problems"),
        ]
    return located, problems


def _parse(text: str) -> tuple[Located | None, list[YamlProblem]]:
    try:
        _count_events(text)
        root = yaml.compose(text, Loader=LOADER)
    except YamlProblem as problem:
        return None, [problem]
    except yaml.reader.ReaderError as exc:  # a control or other forbidden character
        return None, [
            YamlProblem(
                _position_in(text, exc.position),
                f"character U+{exc.character:04X} is not allowed in YAML text"
                if isinstance(exc.character, int)
                else f"unreadable text: {exc.reason}",
            )
        ]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        position = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
        message = exc.problem or str(exc)
        if exc.context:
            message = f"{exc.context}: {message}"
        return None, [YamlProblem(position, f"malformed YAML: {message}")]
    except yaml.YAMLError as exc:
        return None, [YamlProblem(Position(1, 1), f"malformed YAML: {exc}")]
    if root is None:
        return Located(data=None), []
    builder = _Builder()
    builder.positions[()] = _position(root)
    try:
        data = builder.build(root, ())
    except YamlProblem as problem:
        return None, [*builder.problems, problem]
    except RecursionError:  # a cycle through aliases, or nesting past Python's own limit
        return None, [*builder.problems, YamlProblem(Position(1, 1), "the document nests too deep")]
    return Located(data=data, positions=builder.positions), builder.problems
