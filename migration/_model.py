"""The base every config model derives from: camelCase keys as Pulumi config uses them, unknown keys refused."""

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class StrictModel(BaseModel):
    """Strict, frozen config model. YAML keys are camelCase (`allocatedStorage`); Python names snake_case."""

    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        validate_default=True,
    )
