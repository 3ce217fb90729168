"""pydantic's validation errors as inventory problems: the file and key where the value is, and the fix."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from .schema import PROBLEM_KINDS

# Where a key's value came from: (file, key as written there).
Origin = Callable[[str], tuple[str, str]]


def follow(model: type[BaseModel], loc: Sequence[int | str]) -> tuple[Any, str | None]:
    """Walk ``loc`` through the (nested) models: the model that holds its last field, and the deepest field
    description met on the way, which says what to write."""
    current: Any = model
    description = None
    for part in loc:
        fields = getattr(current, "model_fields", None)
        if not isinstance(fields, dict) or part not in fields:
            break
        info = fields[part]
        description = info.description or description
        current = info.annotation
    return current, description


MOVED_TIMEOUTS = {
    "connect": "moved: connection_options.netmiko.extras.conn_timeout and banner_timeout bound connecting",
    "auth": "moved: connection_options.netmiko.extras.auth_timeout bounds authentication",
}
SHAPES = {"dict_type": "must be a mapping", "model_type": "must be a mapping", "list_type": "must be a list"}


def message_of(model: type[BaseModel], error: Any, *, unknown: str = "unknown key") -> str:
    kind, loc = error["type"], error["loc"]
    hint = follow(model, loc)[1]
    if kind in PROBLEM_KINDS:
        return str(error["msg"])
    if kind == "missing" or error.get("input", "") is None:
        return f"missing: {hint}" if hint else "missing"
    if kind in SHAPES or kind == "tuple_type":
        return f"{SHAPES.get(kind, 'must be a list')}: {hint}" if hint else SHAPES.get(kind, "must be a list")
    if kind == "extra_forbidden":
        if len(loc) >= 2 and loc[-2] == "timeouts" and loc[-1] in MOVED_TIMEOUTS:
            return MOVED_TIMEOUTS[str(loc[-1])]
        known = sorted(k for k in getattr(follow(model, loc[:-1])[0], "model_fields", {}) if k != "name")
        return f"{unknown}: use {known}"
    return f"{error['input']!r}: {hint or error['msg']}"


def problems_of(
    error: ValidationError, model: type[BaseModel], origin: Origin, *, unknown: str = "unknown key"
) -> list[tuple[str, str, str]]:
    """Each error of ``error`` as (file, key, message); ``origin`` places a top-level key in its file."""
    found = []
    for item in error.errors():
        loc = [str(part) for part in item["loc"] if part != "[key]"]  # a mapping's key: the key is the place
        if not loc:
            continue
        file, key = origin(loc[0])
        found.append((file, ".".join([key, *loc[1:]]), message_of(model, item, unknown=unknown)))
    return found
