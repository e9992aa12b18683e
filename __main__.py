"""The Pulumi program: validate the stack config once, build the migration, export what operators need."""

import pulumi

from migration.components.pipeline import MigrationPipeline
from migration.config import ConfigError
from migration.config.runtime import from_pulumi
from migration.planning.tasks import all_tasks

try:
    stack = from_pulumi()
    specs = all_tasks(stack)
except ConfigError as exc:
    raise pulumi.RunError(str(exc)) from None

pipeline = MigrationPipeline("migration", stack, specs)
for key, value in pipeline.outputs.items():
    pulumi.export(key, value)
