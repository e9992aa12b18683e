"""String-level rules of the generated prerequisite scripts (the PostgreSQL ones also run for real elsewhere)."""

from typing import Any

import pytest

from migration.docs.prereqs import (
    LSN_QUERY,
    ORACLE_SOURCE_SYS_OBJECTS,
    SCN_QUERY,
    PrereqsError,
    oracle_fallback_disable_sql,
    oracle_fallback_enable_sql,
    oracle_source_prereqs,
    oracle_target_prereqs,
    postgres_source_prereqs,
    postgres_target_prereqs,
)
from migration.planning.design import resolve


def _oracle(**overrides: Any) -> str:
    args: dict[str, Any] = dict(
        dms_user="dms_user", schemas=["app", "hr"], reader="logminer", archive_log_retention_hours=24, cdc=True
    )
    args.update(overrides)
    return oracle_source_prereqs(**args)


def test_logminer_script_grants_logmining_and_dbms_logmnr_but_no_directories():
    sql = _oracle(reader="logminer")
    assert "GRANT LOGMINING TO DMS_USER;" in sql
    assert "EXEC rdsadmin.rdsadmin_util.grant_sys_object('DBMS_LOGMNR', 'DMS_USER', 'EXECUTE');" in sql
    assert "create_archivelog_dir" not in sql and "DBA_DIRECTORIES" not in sql and "READ ON DIRECTORY" not in sql


def test_binary_reader_script_creates_directories_and_grants_read_on_them():
    sql = _oracle(reader="binary-reader")
    for line in [
        "EXEC rdsadmin.rdsadmin_util.grant_sys_object('DBA_DIRECTORIES', 'DMS_USER', 'SELECT');",
        "EXEC rdsadmin.rdsadmin_master_util.create_archivelog_dir;",
        "EXEC rdsadmin.rdsadmin_master_util.create_onlinelog_dir;",
        "GRANT READ ON DIRECTORY ONLINELOG_DIR TO DMS_USER;",
        "GRANT READ ON DIRECTORY ARCHIVELOG_DIR TO DMS_USER;",
    ]:
        assert line in sql.splitlines()
    assert "DBMS_LOGMNR'" not in sql and "GRANT LOGMINING" not in sql


def test_cdc_script_sets_retention_and_database_supplemental_logging():
    lines = _oracle(archive_log_retention_hours=36).splitlines()
    assert "EXEC rdsadmin.rdsadmin_util.set_configuration('archivelog retention hours', 36);" in lines
    assert "EXEC rdsadmin.rdsadmin_util.alter_supplemental_logging('ADD');" in lines
    assert "EXEC rdsadmin.rdsadmin_util.alter_supplemental_logging('ADD','PRIMARY KEY');" in lines


def test_every_reference_sys_object_is_granted_to_the_source_user():
    sql = _oracle()
    assert len(ORACLE_SOURCE_SYS_OBJECTS) == 27
    for obj in ORACLE_SOURCE_SYS_OBJECTS:
        assert f"EXEC rdsadmin.rdsadmin_util.grant_sys_object('{obj}', 'DMS_USER', 'SELECT');" in sql
    for line in [
        "GRANT CREATE SESSION TO DMS_USER;",
        "GRANT SELECT ANY TRANSACTION TO DMS_USER;",
        "GRANT SELECT ON DBA_TABLESPACES TO DMS_USER;",
        "GRANT EXECUTE ON rdsadmin.rdsadmin_util TO DMS_USER;",
    ]:
        assert line in sql.splitlines()


def test_table_select_is_granted_per_table_of_the_schemas_not_select_any_table():
    sql = _oracle()
    assert "WHERE owner IN ('APP', 'HR')" in sql
    assert "EXECUTE IMMEDIATE 'GRANT SELECT ON \"' || t.owner || '\".\"' || t.table_name || '\" TO DMS_USER';" in sql
    assert "GRANT SELECT ANY TABLE" not in sql


def test_keyless_table_gets_all_columns_logging_guarded_for_reruns():
    sql = _oracle(tables_without_key=[("APP", "AUDIT_LOG")])
    assert (
        "  SELECT COUNT(*) INTO n FROM dba_log_groups WHERE owner = 'APP' AND table_name = 'AUDIT_LOG' "
        "AND log_group_type = 'ALL COLUMN LOGGING';\n"
        "  IF n = 0 THEN EXECUTE IMMEDIATE 'ALTER TABLE APP.AUDIT_LOG ADD SUPPLEMENTAL LOG DATA (ALL) COLUMNS'; "
        "END IF;"
    ) in sql


def test_unique_key_only_table_gets_a_log_group_on_its_key_columns():
    sql = _oracle(unique_key_only={("APP", "EVENTS"): ["EVENT_ID", "SOURCE"]})
    assert (
        "EXECUTE IMMEDIATE 'ALTER TABLE APP.EVENTS ADD SUPPLEMENTAL LOG GROUP EVENTS_DLG (EVENT_ID, SOURCE) ALWAYS'"
    ) in sql
    assert "log_group_name = 'EVENTS_DLG'" in sql
    assert "(ALL) COLUMNS" not in sql


def test_log_group_names_stay_within_30_characters_and_unique():
    long_a, long_b = "A" * 28 + "_X", "A" * 28 + "_Y"
    sql = _oracle(unique_key_only={("APP", long_a): ["C1"], ("APP", long_b): ["C1"]})
    assert f"GROUP {'A' * 26}_DLG (C1)" in sql and f"GROUP {'A' * 24}_DLG1 (C1)" in sql


def test_full_load_only_skips_logging_archivelog_and_reader_parts():
    sql = _oracle(cdc=False, reader="binary-reader", tables_without_key=[("app", "t")], archive_log_retention_hours=0)
    assert "-- Full load only (no CDC): archive log retention, supplemental logging" in sql
    for absent in [
        "alter_supplemental_logging",
        "archivelog retention hours",
        "SUPPLEMENTAL LOG DATA",
        "create_archivelog_dir",
        "LOGMINING",
        "v$database",
    ]:
        assert absent not in sql
    assert "GRANT SELECT ANY TRANSACTION TO DMS_USER;" in sql


def test_validation_with_lobs_grants_dbms_crypto():
    assert "grant_sys_object('DBMS_CRYPTO', 'DMS_USER', 'EXECUTE')" in _oracle(validation_with_lobs=True)
    assert "DBMS_CRYPTO" not in _oracle()


def test_add_supplemental_logging_grants_alter_and_skips_database_pk_logging():
    sql = _oracle(add_supplemental_logging=True)
    assert "EXECUTE IMMEDIATE 'GRANT ALTER ON \"' || t.owner || '\".\"' || t.table_name || '\" TO DMS_USER';" in sql
    assert "alter_supplemental_logging('ADD','PRIMARY KEY')" not in sql
    assert "EXEC rdsadmin.rdsadmin_util.alter_supplemental_logging('ADD');" in sql
    assert "GRANT ALTER ON" not in _oracle()


def test_user_is_created_only_when_missing_with_a_password_placeholder():
    sql = _oracle()
    assert "SELECT COUNT(*) INTO n FROM dba_users WHERE username = 'DMS_USER';" in sql
    assert "EXECUTE IMMEDIATE 'CREATE USER DMS_USER IDENTIFIED BY \"<password>\"';" in sql


def test_script_ends_with_verification_queries():
    sql = _oracle()
    assert sql.rstrip().splitlines()[-1] == (
        "SELECT owner, table_name, privilege FROM dba_tab_privs WHERE grantee = 'DMS_USER' ORDER BY 1, 2;"
    )
    assert "SELECT log_mode, supplemental_log_data_min, supplemental_log_data_pk FROM v$database;" in sql


@pytest.mark.parametrize(
    "overrides, message",
    [
        (
            {"dms_user": "dms user"},
            "dms_user: 'dms user' is not a usable Oracle identifier; allowed: a letter then "
            "letters, digits, _, $ or #, at most 30 characters (DMS does not support longer names)",
        ),
        ({"schemas": []}, "schemas: give at least one schema as a list, got []"),
        ({"schemas": "APP"}, "schemas: give at least one schema as a list, got 'APP'"),
        ({"reader": "xstream"}, "reader: 'xstream' is not supported; allowed: 'logminer', 'binary-reader'"),
        (
            {"archive_log_retention_hours": 0},
            "archive_log_retention_hours: 0 is not allowed; give a whole number of hours >= 1, e.g. 24",
        ),
        (
            {"tables_without_key": [("other", "T")]},
            "table OTHER.T: schema OTHER is not one of the replicated schemas ['APP', 'HR']",
        ),
        (
            {"tables_without_key": [("APP", "T")], "unique_key_only": {("APP", "T"): ["C"]}},
            "table APP.T is listed both without key and with a unique key",
        ),
        (
            {"unique_key_only": {("app", "t"): []}},
            "unique_key_only[app.t]: give the unique key's columns as a non-empty list",
        ),
        (
            {"tables_without_key": [("APP", 'a"b')]},
            "tables_without_key table: 'a\"b' is not an Oracle name as the dictionary stores it; allowed: 1..128 "
            "bytes without double quotes",
        ),
    ],
)
def test_bad_oracle_source_input_is_refused_in_one_line(overrides, message):
    with pytest.raises(PrereqsError) as err:
        _oracle(**overrides)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


def test_oracle_target_says_where_the_control_tables_go():
    sql = oracle_target_prereqs(dms_user="dms_back", schemas=["SHOP"], control_schema="DMS_BACK")
    assert (
        "-- DMS user DMS_BACK; tables written: SHOP (the original Oracle tables, DO_NOTHING); control schema "
        "DMS_BACK" in sql
    )
    assert (
        "-- Control schema DMS_BACK (the reverse task's ControlSchema, reverse.controlSchema): the user's own schema."
    ) in sql.splitlines()
    assert "GRANT CREATE TABLE TO DMS_BACK;" in sql.splitlines()
    with pytest.raises(PrereqsError, match=r"^control_schema: OTHER must be the reverse DMS user's own schema"):
        oracle_target_prereqs(dms_user="dms_back", schemas=["SHOP"], control_schema="OTHER")


def test_stack_prerequisites_use_exact_oracle_names_and_the_reverse_control_schema():
    from pathlib import Path

    from migration.config.stackfile import read_stack_file
    from migration.docs.stack_docs import prerequisites

    shop = Path(__file__).resolve().parents[1] / "data" / "shop"
    sql = prerequisites(resolve(read_stack_file(shop, "shop").load()), side="oracle")
    assert "EXECUTE IMMEDIATE 'ALTER TABLE SHOP.\"EventLog\" ADD SUPPLEMENTAL LOG DATA (ALL) COLUMNS'" in sql
    assert "EVENTLOG" not in sql
    assert "ADD SUPPLEMENTAL LOG GROUP CUSTOMER_LOYALTY_PROGRAM_M_DLG (MEMBER_ID, TIER_CODE) ALWAYS" in sql
    assert sql.count("EXECUTE IMMEDIATE 'ALTER TABLE ") == 2  # the two migrated tables without a primary key
    assert "GRANT CREATE TABLE TO DMS_FALLBACK;" in sql.splitlines()


def test_oracle_target_grants_follow_the_reference_and_leave_triggers_alone():
    sql = oracle_target_prereqs(dms_user="dms_rev", schemas=["app"])
    lines = sql.splitlines()
    for priv in [
        "CREATE SESSION",
        "SELECT ANY TRANSACTION",
        "INSERT ANY TABLE",
        "UPDATE ANY TABLE",
        "DELETE ANY TABLE",
        "CREATE ANY SEQUENCE",
        "ALTER ANY SEQUENCE",
        "UNLIMITED TABLESPACE",
    ]:
        assert f"GRANT {priv} TO DMS_REV;" in lines
    for obj in ["V_$NLS_PARAMETERS", "DBA_TRIGGERS", "DBA_REGISTRY", "ALL_CONS_COLUMNS"]:
        assert f"EXEC rdsadmin.rdsadmin_util.grant_sys_object('{obj}', 'DMS_REV', 'SELECT');" in lines
    assert "EXECUTE IMMEDIATE 'CREATE USER DMS_REV IDENTIFIED BY \"<password>\"';" in sql
    # Disabling triggers while Oracle is still production would break the application: not in the prereqs.
    assert "DISABLE" not in sql


def test_fallback_disable_records_what_it_disables_for_the_schemas():
    sql = oracle_fallback_disable_sql(schemas=["app", "hr"])
    assert "WHERE owner IN ('APP', 'HR') AND constraint_type = 'R' AND status = 'ENABLED') LOOP" in sql
    assert "WHERE table_owner IN ('APP', 'HR') AND base_object_type = 'TABLE' AND status = 'ENABLED') LOOP" in sql
    assert "DISABLE CONSTRAINT" in sql and "'\" DISABLE';" in sql
    assert "INSERT INTO DMS_FALLBACK_DISABLED VALUES ('CONSTRAINT', c.owner, c.table_name, c.constraint_name);" in sql
    assert "INSERT INTO DMS_FALLBACK_DISABLED VALUES ('TRIGGER', t.owner, t.table_name, t.trigger_name);" in sql


def test_fallback_enable_reenables_only_recorded_objects():
    sql = oracle_fallback_enable_sql()
    assert "FOR r IN (SELECT owner, object_name FROM DMS_FALLBACK_DISABLED WHERE object_type = 'TRIGGER') LOOP" in sql
    assert "'\" ENABLE';" in sql and "ENABLE CONSTRAINT" in sql
    assert sql.rstrip().endswith("SELECT COUNT(*) AS still_disabled FROM DMS_FALLBACK_DISABLED;  -- expect 0")


def test_queries_for_the_runbook():
    assert LSN_QUERY == "SELECT pg_current_wal_lsn()::text AS lsn"
    assert "SELECT d.CURRENT_SCN" in SCN_QUERY and "MIN(t.START_SCN) FROM V$TRANSACTION" in SCN_QUERY


def test_postgres_names_are_quoted_only_when_needed():
    sql = postgres_target_prereqs(
        dms_user="dms_user",
        database="AppDb",
        schemas=["app", "Sales"],
        control_schema="awsdms_control",
        engine="postgres",
    )
    assert 'GRANT CONNECT, CREATE ON DATABASE "AppDb" TO dms_user;' in sql
    assert 'CREATE SCHEMA IF NOT EXISTS "Sales";' in sql and "CREATE SCHEMA IF NOT EXISTS app;" in sql


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: postgres_target_prereqs(
                dms_user="dms-user", database="d", schemas=["s"], control_schema="c", engine="postgres"
            ),
            "dms_user: 'dms-user' is not a usable PostgreSQL identifier; allowed: a letter or _ then letters, digits, _ or "
            "$, at most 63 characters",
        ),
        (
            lambda: postgres_target_prereqs(
                dms_user="u", database="d", schemas=["s"], control_schema="c", engine="mysql"
            ),  # type: ignore[arg-type]
            "engine: 'mysql' is not supported; allowed: 'postgres', 'aurora-postgresql'",
        ),
        (
            lambda: postgres_source_prereqs(
                dms_user="u",
                database="d",
                schemas=["s"],
                slot_name=None,
                plugin="wal2json",  # type: ignore[arg-type]
                heartbeat_schema="h",
                engine="postgres",
            ),
            "plugin: 'wal2json' is not supported; allowed: 'test-decoding', 'pglogical'",
        ),
        (
            lambda: postgres_source_prereqs(
                dms_user="u",
                database="d",
                schemas=["s"],
                slot_name="bad slot",
                plugin="test-decoding",
                heartbeat_schema="h",
                engine="postgres",
            ),
            "slot_name: 'bad slot' is not a usable PostgreSQL identifier",
        ),
    ],
)
def test_bad_postgres_input_is_refused(call, message):
    with pytest.raises(PrereqsError) as err:
        call()
    assert str(err.value).startswith(message)


def test_aurora_source_uses_the_cluster_parameter_group():
    sql = postgres_source_prereqs(
        dms_user="u",
        database="d",
        schemas=["s"],
        slot_name=None,
        plugin="pglogical",
        heartbeat_schema="h",
        engine="aurora-postgresql",
        parameter_group="apg-params",
    )
    assert "--   aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name apg-params \\" in sql
    assert "ParameterName=rds.logical_replication,ParameterValue=1,ApplyMethod=pending-reboot" in sql
    assert "CREATE EXTENSION IF NOT EXISTS pglogical;" in sql
    assert "pg_create_logical_replication_slot" not in sql
    rds = postgres_source_prereqs(
        dms_user="u",
        database="d",
        schemas=["s"],
        slot_name=None,
        plugin="test-decoding",
        heartbeat_schema="h",
        engine="postgres",
    )
    assert "--   aws rds modify-db-parameter-group --db-parameter-group-name <parameter-group> \\" in rds
    assert "pglogical;" not in rds


def test_secrets_manager_users_are_marked_as_placeholders_unless_named():
    from migration.config.stackfile import read_stack_file
    from migration.docs.stack_docs import prerequisites
    from tests.helpers import ROOT

    sql = prerequisites(resolve(read_stack_file(ROOT, "prod").load()), side="oracle")
    assert "-- PLACEHOLDER: DMS_USER stands for the user stored in arn:aws:secretsmanager:" in sql
    named = prerequisites(resolve(read_stack_file(ROOT, "prod", ["source.username=DMS_PROD"]).load()), side="oracle")
    assert "PLACEHOLDER: DMS_USER" not in named and "CREATE USER DMS_PROD" in named.upper().replace('"', "")


def test_the_reverse_source_logs_whole_old_rows_of_tables_without_a_primary_key_once_they_exist():
    """The prereqs run before the load, when the tables do not exist yet: runbook step 5 sets it, before the slot."""
    from migration.config.stackfile import read_stack_file
    from migration.docs.stack_docs import prerequisites, runbook
    from tests.helpers import ROOT

    design = resolve(read_stack_file(ROOT, "prod", ["phase=cutover"]).load())
    sql = prerequisites(design, side="postgres")
    assert "REPLICA IDENTITY FULL;" not in sql and "sets REPLICA IDENTITY FULL on them at" in sql
    text = runbook(design)
    step5 = text[text.index("## 5. Capture") : text.index("## 6.")]
    alter = step5.index("ALTER TABLE app.audit_log REPLICA IDENTITY FULL;")
    assert alter < step5.index("pg_create_logical_replication_slot")
    pglogical = prerequisites(
        resolve(
            read_stack_file(
                ROOT, "prod", ["phase=cutover", "reverse.postgresSource.settings.pluginName=pglogical"]
            ).load()
        ),
        side="postgres",
    )
    assert "REPLICA IDENTITY FULL;" not in pglogical and "does not help: give them a primary key" in pglogical


def test_columns_left_behind_going_forward_never_flow_back():
    from migration.config.stackfile import read_stack_file
    from migration.planning.design import resolve
    from tests.helpers import ROOT

    specs = resolve(read_stack_file(ROOT, "prod", ["phase=cutover"]).load()).tasks
    (rev,) = [s for s in specs if s.direction == "reverse"]
    removed = {
        (r["object-locator"]["table-name"], r["object-locator"]["column-name"])
        for r in rev.mappings["rules"]
        if r.get("rule-action") == "remove-column"
    }
    assert removed == {
        ("addresses", "address"),
        ("addresses", "scan"),
        ("audit_log", "details"),
        ("audit_log", "source_rowid"),
    }


def test_reverse_source_checks_slot_wal_limit_sender_timeout_wal_level_and_the_replication_grant():
    sql = postgres_source_prereqs(
        dms_user="dms_rev",
        database="d",
        schemas=["s"],
        slot_name="slot",
        plugin="test-decoding",
        heartbeat_schema="h",
        engine="postgres",
    )
    settings = next(line for line in sql.splitlines() if line.startswith("SELECT name, setting FROM pg_settings"))
    for name in ("wal_level", "wal_sender_timeout", "max_slot_wal_keep_size"):
        assert f"'{name}'" in settings
    assert "SELECT pg_has_role('dms_rev', 'rds_replication', 'MEMBER') AS has_rds_replication;" in sql


def test_the_placeholder_names_the_reverse_user_the_script_creates():
    """DBA trial (issue 21, finding 10): with `reverse.controlSchema: DMS_FALLBACK` and the user in Secrets Manager,
    the header said DMS_REVERSE stands for it while the script created DMS_FALLBACK."""
    from migration.config.stackfile import read_stack_file
    from migration.docs.stack_docs import prerequisites
    from tests.helpers import ROOT

    design = resolve(
        read_stack_file(
            ROOT,
            "prod",
            ["reverse.controlSchema=DMS_FALLBACK", "source.settings.filterTransactionsOfUser=[DMS_FALLBACK]"],
        ).load()
    )
    sql = prerequisites(design, side="oracle")
    assert "-- PLACEHOLDER: DMS_FALLBACK stands for the user stored in" in sql
    assert "DMS_REVERSE" not in sql
