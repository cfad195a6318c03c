"""Workflow definitions: the value types, and loading/validating YAML files.

A definition's version is the content hash of its parsed YAML document, so any edit
makes a new version and cases stay pinned to the one they started on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from app.engine.model import (
    ActionRef,
    DefinitionError,
    GuardRef,
    Problem,
    StateDef,
    TransitionDef,
    WorkflowDefinition,
)
from app.engine.parsing import DOCUMENT, parse_definition
from app.engine.references import reference_problems
from app.engine.versioning import canonical_json, content_version

__all__ = [
    "ActionRef",
    "DefinitionError",
    "GuardRef",
    "Problem",
    "StateDef",
    "TransitionDef",
    "WorkflowDefinition",
    "canonical_json",
    "check_directory",
    "content_version",
    "load_directory",
    "load_file",
    "parse_definition",
]


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice: YAML would silently keep the last."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Build the mapping, failing on a duplicate key with its line."""
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"found duplicate key '{key}'",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_file(path: str | Path) -> WorkflowDefinition:
    """Read, parse and validate one YAML definition file."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DefinitionError([Problem(source, DOCUMENT, f"cannot read: {exc}")]) from exc
    try:
        doc = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        message = " ".join(str(exc).split())
        raise DefinitionError([Problem(source, DOCUMENT, f"invalid YAML: {message}")]) from exc
    except ValueError as exc:
        # YAML reads 2020-13-45 as a timestamp and the date constructor refuses it.
        problem = Problem(source, DOCUMENT, f"invalid YAML: a value is not a real date ({exc})")
        raise DefinitionError([problem]) from exc
    return parse_definition(doc, source)


def _files(directory: Path) -> list[Path]:
    return sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])


def _load_all(directory: Path) -> tuple[dict[str, WorkflowDefinition], list[Problem]]:
    if not directory.is_dir():
        return {}, [Problem(str(directory), DOCUMENT, "is not a directory")]
    loaded: dict[str, WorkflowDefinition] = {}
    sources: dict[str, str] = {}
    problems: list[Problem] = []
    for path in _files(directory):
        try:
            defn = load_file(path)
        except DefinitionError as exc:
            problems.extend(exc.problems)
            continue
        if defn.name in loaded:
            message = f"workflow '{defn.name}' is also defined in {sources[defn.name]}"
            problems.append(Problem(str(path), "name", message))
            continue
        loaded[defn.name] = defn
        sources[defn.name] = str(path)
    # Files that failed to parse still count as known names, to avoid knock-on errors.
    known = set(loaded) | {p.stem for p in _files(directory)}
    problems.extend(reference_problems(loaded, sources, known))
    return loaded, problems


def load_directory(directory: str | Path) -> dict[str, WorkflowDefinition]:
    """Load every *.yaml/*.yml file; raise DefinitionError with all problems in all files."""
    loaded, problems = _load_all(Path(directory))
    if problems:
        raise DefinitionError(problems)
    return loaded


def check_directory(directory: str | Path) -> list[Problem]:
    """Every problem in a directory of definitions (empty when all are valid)."""
    return _load_all(Path(directory))[1]
