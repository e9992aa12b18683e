"""The stack config: its pydantic models (config/models/), how it is loaded and checked (load.py), and its errors
(errors.py). Code outside the package imports these names from `migration.config`."""

from migration.config.errors import ConfigError, did_you_mean
from migration.config.load import CONFIG_KEYS, check_secret_leaves, load_stack_config, password_paths, read_ca_bundle
from migration.config.models.connections import (
    Connection,
    OracleSourceConfig,
    OracleTargetConfig,
    PostgresSourceConfig,
    PostgresTargetConfig,
)
from migration.config.models.endpoint_settings import (
    OracleSourceSettings,
    OracleTargetSettings,
    PostgresSourceSettings,
    PostgresTargetSettings,
)
from migration.config.models.instance import DCU_VALUES, CapacityConfig, ReplicationInstanceConfig
from migration.config.models.migration import MIGRATION_TYPES, RESERVED_TASK_NAMES, MigrationConfig, TaskConfig
from migration.config.models.monitoring import MonitoringConfig
from migration.config.models.network import NetworkConfig
from migration.config.models.reverse import ReverseConfig
from migration.config.models.sizing import InventoryConfig, SizingConfig, Throughput
from migration.config.models.stack import PHASES, Phase, Stack, StackConfig
from migration.config.patterns import TASK_NAME_RE, split_table_pattern

__all__ = [
    "CONFIG_KEYS",
    "DCU_VALUES",
    "MIGRATION_TYPES",
    "PHASES",
    "RESERVED_TASK_NAMES",
    "TASK_NAME_RE",
    "CapacityConfig",
    "ConfigError",
    "Connection",
    "InventoryConfig",
    "MigrationConfig",
    "MonitoringConfig",
    "NetworkConfig",
    "OracleSourceConfig",
    "OracleSourceSettings",
    "OracleTargetConfig",
    "OracleTargetSettings",
    "Phase",
    "PostgresSourceConfig",
    "PostgresSourceSettings",
    "PostgresTargetConfig",
    "PostgresTargetSettings",
    "ReplicationInstanceConfig",
    "ReverseConfig",
    "SizingConfig",
    "Stack",
    "StackConfig",
    "TaskConfig",
    "Throughput",
    "check_secret_leaves",
    "did_you_mean",
    "load_stack_config",
    "password_paths",
    "read_ca_bundle",
    "split_table_pattern",
]
