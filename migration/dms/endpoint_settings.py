"""What DMS receives as endpoint settings: the rules for sending them and the DMS facts they rest on. The typed
settings of the stack config (`migration.config.models.endpoint_settings`) turn into snake_case kwargs for
pulumi_aws.dms.EndpointOracleSettingsArgs / EndpointPostgresSettingsArgs with these helpers (reference sections
3.1, 3.4, 4.1, 5.1, 5.2).

Every setting the stack relies on is sent, defaults included (only settings left unset are left out), in sorted
key order so the Pulumi inputs are stable: what AWS stores then does not depend on what a provider version fills
in for an unset one.

ASM settings (asmServer, asmUser, asmPassword, readAheadBlocks, parallelAsmReadThreads, the ASM secret) are
refused: they serve self-managed Oracle on ASM only and RDS for Oracle is not reachable through ASM.
"""

from __future__ import annotations

from typing import Any, Literal

CharLengthSemantics = Literal["default", "char", "byte"]
PG_IDENTIFIER = r"^[a-z_][a-z0-9_]{0,62}$"
# HeartbeatFrequency (minutes) and HeartbeatSchema as DMS defaults them (DMS guide: endpoint settings when using
# PostgreSQL as a source).
DEFAULT_HEARTBEAT_FREQUENCY_MIN = 5
DEFAULT_HEARTBEAT_SCHEMA = "public"
ASM_SETTINGS = frozenset(
    {
        "asmServer",
        "asm_server",
        "asmUser",
        "asm_user",
        "asmPassword",
        "asm_password",
        "readAheadBlocks",
        "read_ahead_blocks",
        "parallelAsmReadThreads",
        "parallel_asm_read_threads",
        "secretsManagerOracleAsmSecretId",
        "secrets_manager_oracle_asm_secret_id",
        "secretsManagerOracleAsmAccessRoleArn",
        "secrets_manager_oracle_asm_access_role_arn",
    }
)
LOB_TRUNCATION_SETTING = frozenset({"failTasksOnLobTruncation", "fail_tasks_on_lob_truncation"})


def provider_settings(args: dict[str, Any]) -> dict[str, Any]:
    """Every setting we rely on, defaults included, sorted; only the settings left unset (None) are left out.

    Why explicit: provider versions around pulumi-aws 6.33 sent every bool/int of a settings block once the block
    existed, an unset number going out as 0 (NumberDatatypeScale=0 drops the decimals of unconstrained NUMBER):
    terraform-provider-aws issue #46676, fix #46689, regression #49468.
    Sending each value ourselves makes what AWS stores independent of the provider's defaults.
    """
    return dict(sorted((k, v) for k, v in args.items() if v is not None))


def oracle_reader_args(*, binary_reader: bool, legacy_rds_db_name: str | None) -> dict[str, Any]:
    """How DMS reads Oracle redo: LogMiner or Binary Reader; RDS 11.2 / 12.1 with Binary Reader also need the redo
    path rewritten to the RDS directories (section 3.1), which `legacy_rds_db_name` (the RDS DB name) asks for."""
    args: dict[str, Any] = {"use_logminer_reader": not binary_reader, "use_bfile": binary_reader}
    if legacy_rds_db_name is not None:
        args.update(
            {
                "access_alternate_directly": False,
                "use_alternate_folder_for_online": True,
                "oracle_path_prefix": f"/rdsdbdata/db/{legacy_rds_db_name.upper()}_A/",
                "use_path_prefix": "/rdsdbdata/log/",
                "replace_path_prefix": True,
            }
        )
    return args


def filter_transactions_attribute(users: tuple[str, ...] | None) -> str | None:
    """The extra connection attribute that makes LogMiner skip these users' transactions (section 8), if any."""
    if not users:
        return None
    return "filterTransactionsOfUser=" + ",".join(users)
