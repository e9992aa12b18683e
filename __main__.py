"""The Pulumi program: validate the stack config, work the migration out once, build it, export what operators need."""

import pulumi

from migration.components.pipeline import MigrationPipeline
from migration.config import ConfigError
from migration.config.runtime import from_pulumi
from migration.planning.design import resolve

try:
    design = resolve(from_pulumi())
except ConfigError as exc:
    raise pulumi.RunError(str(exc)) from None

pipeline = MigrationPipeline("migration", design)
for key, value in pipeline.outputs.items():
    pulumi.export(key, value)
