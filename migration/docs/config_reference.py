"""The configuration reference (docs/configuration.md), generated from the stack config models: every key as users
write it under `<project>:` in `Pulumi.<stack>.yaml`, with its type, default, allowed values and description.

Regenerate after changing a config model: `python -m migration.docs.config_reference` (from the project root).
"""

from __future__ import annotations

import argparse
import re
import sys
import types
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import yaml
from annotated_types import Ge, Gt, Le, Lt, MaxLen, MinLen
from pydantic import SecretStr
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from migration._model import StrictModel
from migration.config import StackConfig, Throughput

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = Path("docs") / "configuration.md"
REGENERATE = "python -m migration.docs.config_reference"
# Keys holding a free-form mapping whose entries another model checks: documented with that model's keys.
CHECKED_MAPPINGS: dict[str, type[StrictModel]] = {"sizing.throughput": Throughput}

_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean", SecretStr: "secret string"}


def _optional(annotation: Any) -> Any:
    """`X` for `X | None`, else the annotation itself."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _model(annotation: Any) -> type[StrictModel] | None:
    inner = _optional(annotation)
    return inner if isinstance(inner, type) and issubclass(inner, StrictModel) else None


def type_name(annotation: Any) -> str:
    """A reader's name for a field's type: `string`, `list of string`, `map of string to number`, `integer or auto`."""
    annotation = _optional(annotation)
    origin = get_origin(annotation)
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    if origin is Literal:
        return "string" if all(isinstance(a, str) for a in get_args(annotation)) else "value"
    if origin in (list, tuple):
        return f"list of {type_name(get_args(annotation)[0])}"
    if origin is dict:
        key, value = get_args(annotation)
        return f"map of {type_name(key)} to {type_name(value)}"
    if origin in (Union, types.UnionType):
        return " or ".join(_union_part(a) for a in get_args(annotation) if a is not type(None))
    if _model(annotation) is not None:
        return "object"
    if annotation is Any:
        return "any value"
    return str(annotation)


def _union_part(annotation: Any) -> str:
    if get_origin(annotation) is Literal:
        return " or ".join(str(a) for a in get_args(annotation))
    return type_name(annotation)


def _value(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if isinstance(value, StrictModel):
        return "see below"
    if isinstance(value, (list, tuple, dict)) and not value:
        return "empty"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(f"`{v}`" for v in value)
    return f"`{value}`"


def default_text(field: FieldInfo) -> str:
    if field.default_factory is not None:
        return _value(field.default_factory())  # type: ignore[call-arg]
    if field.default is PydanticUndefined:
        return "**required**"
    return _value(field.default)


def allowed_text(field: FieldInfo) -> str:
    """Literal choices, number ranges, length limits and patterns the field itself declares (validators may
    check more: the description says what)."""
    parts: list[str] = []
    for arg in [_optional(field.annotation), *get_args(_optional(field.annotation))]:
        if get_origin(arg) is Literal:
            parts.append(", ".join(f"`{a}`" for a in get_args(arg)))
    bounds = {type(m): m for m in field.metadata}
    low = f">= {bounds[Ge].ge}" if Ge in bounds else f"> {bounds[Gt].gt}" if Gt in bounds else ""
    high = f"<= {bounds[Le].le}" if Le in bounds else f"< {bounds[Lt].lt}" if Lt in bounds else ""
    parts.append(" and ".join(p for p in (low, high) if p))
    if MinLen in bounds or MaxLen in bounds:
        lengths = [f"at least {bounds[MinLen].min_length}" if MinLen in bounds else ""]
        lengths.append(f"at most {bounds[MaxLen].max_length}" if MaxLen in bounds else "")
        parts.append("length " + " and ".join(p for p in lengths if p))
    pattern = next((getattr(m, "pattern", None) for m in field.metadata if getattr(m, "pattern", None)), None)
    if pattern:
        parts.append(f"matches `{pattern}`")
    return "; ".join(p for p in parts if p)


def _cell(text: str) -> str:
    """Table-cell text: pipes escaped, and `<` outside code spans too (Markdown would take `<id>` for a tag)."""
    parts = text.replace("|", "\\|").replace("\n", " ").split("`")
    return "`".join(p if i % 2 else _TAG_START.sub(r"\\<", p) for i, p in enumerate(parts))


def _rows(model: type[StrictModel], prefix: str, sections: list[tuple[str, type[StrictModel]]]) -> list[str]:
    """One table row per field of `model`; nested models are queued in `sections` for tables of their own."""
    rows = []
    for name, field in model.model_fields.items():
        key = f"{prefix}{field.alias or name}"
        nested = _model(field.annotation) or _model(next(iter(get_args(field.annotation)), None))
        if nested is not None:
            sections.append((f"{key}[]" if get_origin(field.annotation) is list else key, nested))
        elif key in CHECKED_MAPPINGS:
            sections.append((key, CHECKED_MAPPINGS[key]))
        if not field.description:
            raise ValueError(f"{key}: the config field has no description")
        cells = [f"`{key}`", type_name(field.annotation), default_text(field), allowed_text(field), field.description]
        rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return rows


def render(project: str, model: type[StrictModel] = StackConfig) -> str:
    """docs/configuration.md for a project named `project` (the reference of `model`'s keys)."""
    out = [
        "# Configuration reference",
        "",
        f"<!-- Generated by `{REGENERATE}` from migration/config/models/: do not edit by hand. -->",
        "",
        f"Every key below is a Pulumi config key of the project, written under `{project}:` in `Pulumi.<stack>.yaml`",
        f"(e.g. `{project}:network` holds the `network.*` keys as a YAML object). Keys are camelCase; an unknown key",
        "is refused. Passwords are set with `pulumi config set --secret --path <key>.password <value>`.",
    ]
    sections: list[tuple[str, type[StrictModel]]] = [("", model)]
    while sections:
        key, model = sections.pop(0)
        title = f"`{key}`" if key else "Top-level keys"
        doc = " ".join((model.__doc__ or "").strip().split("\n\n")[0].split())
        out += ["", f"## {title}", ""]
        if doc:
            out += [doc, ""]
        out += ["| Key | Type | Default | Allowed | Description |", "|---|---|---|---|---|"]
        out += _rows(model, f"{key}." if key else "", sections)
    return "\n".join(out) + "\n"


def project_name(root: Path = ROOT) -> str:
    """The project name from Pulumi.yaml: the prefix of every config key."""
    return str(yaml.safe_load((root / "Pulumi.yaml").read_text(encoding="utf-8"))["name"])


def write(root: Path = ROOT) -> Path:
    """Write docs/configuration.md under `root`; returns its path."""
    path = root / OUTPUT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(project_name(root)), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m migration.docs.config_reference",
        description=f"Regenerate {OUTPUT} from the config models' field descriptions.",
    )
    parser.add_argument("root", nargs="?", type=Path, default=ROOT, help="project directory (default: this checkout)")
    root = parser.parse_args(argv).root
    if not (root / "Pulumi.yaml").is_file():
        parser.error(f"{root} is not a project directory (no Pulumi.yaml)")
    print(f"wrote {write(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
