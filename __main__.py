"""The Pulumi program: validate the stack config once, build the migration, export what operators need."""

import pulumi

from migration.components.pipeline import MigrationPipeline
from migration.config import ConfigError, from_pulumi

try:
    stack = from_pulumi()
except ConfigError as exc:
    raise pulumi.RunError(str(exc)) from None

pipeline = MigrationPipeline("migration", stack)
for key, value in pipeline.outputs.items():
    pulumi.export(key, value)
