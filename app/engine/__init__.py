"""The pure workflow engine: definitions, guards, the machine cache and diagrams.

It never touches the database; services build a GuardContext and ask it for a Verdict.
"""

from app.engine.actions import ACTION_SPECS, ActionSpec
from app.engine.catalog import GUARDS
from app.engine.context import GuardContext, resolve
from app.engine.definitions import (
    ActionRef,
    DefinitionError,
    GuardRef,
    Problem,
    StateDef,
    TransitionDef,
    WorkflowDefinition,
    canonical_json,
    check_directory,
    content_version,
    load_directory,
    load_file,
    parse_definition,
)
from app.engine.diagram import mermaid, svg
from app.engine.guard_registry import GuardSpec, guard
from app.engine.machine import (
    Blocker,
    Engine,
    Verdict,
    evaluate,
    get_engine,
    granted,
    machine_for,
    options,
)

__all__ = [
    "ACTION_SPECS",
    "GUARDS",
    "ActionRef",
    "ActionSpec",
    "Blocker",
    "DefinitionError",
    "Engine",
    "GuardContext",
    "GuardRef",
    "GuardSpec",
    "Problem",
    "StateDef",
    "TransitionDef",
    "Verdict",
    "WorkflowDefinition",
    "canonical_json",
    "check_directory",
    "content_version",
    "evaluate",
    "get_engine",
    "granted",
    "guard",
    "load_directory",
    "load_file",
    "machine_for",
    "mermaid",
    "options",
    "parse_definition",
    "resolve",
    "svg",
]
