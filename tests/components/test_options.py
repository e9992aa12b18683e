"""Component args are resource inputs only: the options (protect, depends_on, ...) come through `opts`, as for any
Pulumi resource (migration.components.options decides what the children get)."""

from __future__ import annotations

import dataclasses

import pytest

from migration.components.endpoint import EndpointArgs
from migration.components.iam_roles import DmsRolesArgs
from migration.components.migration_task import ServerlessCompute, TaskArgs
from migration.components.monitoring import MonitoringArgs, TaskRef
from migration.components.replication_server import EgressRule, InstanceArgs, ServerArgs

RESOURCE_OPTIONS = {
    "parent",
    "protect",
    "depends_on",
    "delete_before_replace",
    "retain_on_delete",
    "ignore_changes",
    "replace_on_changes",
    "provider",
    "aliases",
}


@pytest.mark.parametrize(
    "args_type",
    [
        ServerArgs,
        InstanceArgs,
        EgressRule,
        EndpointArgs,
        TaskArgs,
        ServerlessCompute,
        DmsRolesArgs,
        MonitoringArgs,
        TaskRef,
    ],
    ids=lambda t: t.__name__,
)
def test_component_args_carry_no_resource_option(args_type: type) -> None:
    assert not {f.name for f in dataclasses.fields(args_type)} & RESOURCE_OPTIONS
