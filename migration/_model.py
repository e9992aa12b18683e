"""The base every config model derives from: camelCase keys as Pulumi config uses them, unknown keys refused."""

import types
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator
from pydantic.alias_generators import to_camel


def _numeric(annotation: Any) -> bool:
    """int/float fields (optionally Optional) that do not also accept a bool."""
    if annotation in (int, float):
        return True
    if get_origin(annotation) in (Union, types.UnionType):
        args = get_args(annotation)
        return bool not in args and any(a in (int, float) for a in args)
    return False


class StrictModel(BaseModel):
    """Strict, frozen config model. YAML keys are camelCase (`allocatedStorage`); Python names snake_case."""

    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        validate_default=True,
    )

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool_for_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        """YAML `port: true` would otherwise become 1: a boolean is never a number here."""
        if isinstance(value, bool) and info.field_name and _numeric(cls.model_fields[info.field_name].annotation):
            raise ValueError("expected a number, got a boolean")
        return value
