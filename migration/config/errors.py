"""Config errors as one line that names the key: the error type, the "did you mean" hint, and the wording of a
pydantic validation error as `<project>:<key>.<path>: <what is wrong and what is allowed>`."""

from __future__ import annotations

import difflib
import re
from typing import Any, Mapping, Sequence, get_args

from migration._model import StrictModel

SECRET_FIELDS = frozenset({"password"})
CREDENTIALS_IN_URL_RE = re.compile(r"://[^/@]*@")  # a URL carrying credentials: never echoed


class ConfigError(ValueError):
    """A stack-config problem, as one line: `<project>:<key>.<path>: <what is wrong and what is allowed>`.

    `key` is the config key it belongs to (camelCase, without the project), when one is known: code that groups
    or routes errors reads it, never the message."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


def did_you_mean(word: str, known: Sequence[str]) -> str:
    """` (did you mean requireSsl?)` for the nearest known key or value, else empty. Case slips first (requireSSL),
    then spelling (requirSsl)."""
    folded = {k.lower(): k for k in known}
    match = folded.get(word.lower()) or next(iter(difflib.get_close_matches(word, list(known), n=1, cutoff=0.75)), None)
    return f" (did you mean {match}?)" if match else ""


def model_in(annotation: Any) -> Any:
    """The pydantic model inside `X`, `X | None`, `list[X]` or `dict[str, X]`, if any."""
    if isinstance(annotation, type) and issubclass(annotation, StrictModel):
        return annotation
    for arg in get_args(annotation):
        found = model_in(arg)
        if found is not None:
            return found
    return None


def known_keys_at(root: type[StrictModel], loc: Sequence[str]) -> list[str]:
    """The camelCase keys allowed at `loc` (a validation error location, list indexes included) under `root`."""
    model: Any = root
    for part in loc:
        if part.isdigit():
            continue
        fields = {f.alias or n: f for n, f in model.model_fields.items()}
        field = fields.get(part)
        if field is None:
            return []
        model = model_in(field.annotation)
        if model is None:
            return []
    return [f.alias or n for n, f in model.model_fields.items()]


def format_error(project: str, err: Mapping[str, Any], root: type[StrictModel]) -> str:
    """One pydantic error of a `root` model as `<project>:<key path>: <message>`; never echoes a secret."""
    loc = [str(p) for p in err.get("loc", ())]
    if not loc:  # model-level guard: its message starts with the key it is about
        return f"{project}:" + str(err.get("msg", "invalid config")).removeprefix("Value error, ")
    key = f"{project}:{loc[0]}"
    for part in loc[1:]:
        key += f"[{part}]" if part.isdigit() else f".{part}"
    msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    kind = err.get("type", "")
    value = err.get("input")
    # A whole connection given as text ("user/pw@host") may carry a password: never echo top-level values.
    if kind in ("too_short", "string_too_short") and loc[-1] in SECRET_FIELDS:
        msg = "must not be empty"
    elif kind == "missing":
        msg = "required key is missing"
    elif kind == "literal_error" and isinstance(value, str):
        options = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
        msg += f", got {value!r}{did_you_mean(value, options)}"
    elif kind == "extra_forbidden":
        hint = did_you_mean(loc[-1], known_keys_at(root, loc[:-1]))
        msg = f"unknown key{hint or ' (check the spelling; keys are camelCase)'}"
    elif (
        len(loc) > 1
        and not set(loc) & SECRET_FIELDS
        and isinstance(value, (str, int, float, bool))
        and "got" not in msg
        and repr(value) not in msg
        and not CREDENTIALS_IN_URL_RE.search(str(value))
    ):
        msg += f", got {value!r}"
    return f"{key}: {msg}"
