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

# Guards against alias bombs ("billion laughs") and pathological nesting.
MAX_NODES = 500_000
MAX_DEPTH = 64


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
            items = []
            for index, child in enumerate(node.value):
                self.positions[(*path, index)] = _position(child)
                items.append(self.build(child, (*path, index), depth + 1))
            return items
        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as exc:
            raise YamlProblem(_position(node), exc.problem or str(exc)) from exc

    def _mapping(self, node: yaml.MappingNode, path: YamlPath, depth: int) -> dict[Any, Any]:
        try:
            self._constructor.flatten_mapping(node)  # resolves "<<" merge keys
        except yaml.MarkedYAMLError as exc:
            raise YamlProblem(_position(node), exc.problem or str(exc)) from exc
        result: dict[Any, Any] = {}
        first_seen: dict[Any, Position] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(YamlProblem(_position(key_node), "a key must be plain text"))
                continue
            key = self._constructor.construct_object(key_node, deep=True)
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


def parse_yaml(text: str) -> tuple[Located | None, list[YamlProblem]]:
    """Parse one YAML document. Returns the located data (None if unreadable) and the problems."""
    try:
        root = yaml.compose(text, Loader=LOADER)
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
    return Located(data=data, positions=builder.positions), builder.problems
