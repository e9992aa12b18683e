"""The named steps the prerequisite scripts are built from, each checked on its own SQL."""

import pytest

from migration.docs.prereqs import (
    PrereqsError,
    _archive_log_retention,
    _check_reader_and_retention,
    _control_schema_grants,
    _database_supplemental_logging,
    _force_ssl_note,
    _logical_replication_cli,
    _oracle_key_tables,
    _oracle_source_dictionary_grants,
    _oracle_source_optional_grants,
    _oracle_source_user_grants,
    _oracle_source_verify,
    _postgres_source_grants,
    _postgres_target_schema_grants,
    _postgres_target_verify,
    _redo_reader_grants,
    _replication_slot,
    _table_supplemental_logging,
    _target_schema_grants,
    oracle_source_prereqs,
    postgres_source_prereqs,
)

# --- Oracle source -----------------------------------------------------------------------------------------------


def test_archive_log_retention_sets_the_hours_and_commits():
    lines = _archive_log_retention(48)
    assert lines[-2:] == [
        "EXEC rdsadmin.rdsadmin_util.set_configuration('archivelog retention hours', 48);",
        "COMMIT;",
    ]
    assert all(line.startswith("--") for line in lines[:-2])


def test_database_supplemental_logging_pk_is_database_wide_unless_dms_adds_it():
    database_wide = _database_supplemental_logging(add_supplemental_logging=False)
    assert "EXEC rdsadmin.rdsadmin_util.alter_supplemental_logging('ADD');" in database_wide
    assert "EXEC rdsadmin.rdsadmin_util.alter_supplemental_logging('ADD','PRIMARY KEY');" in database_wide
    per_table = _database_supplemental_logging(add_supplemental_logging=True)
    assert "EXEC rdsadmin.rdsadmin_util.alter_supplemental_logging('ADD');" in per_table
    assert not any("PRIMARY KEY');" in line for line in per_table)


def test_table_supplemental_logging_is_empty_when_every_table_has_a_pk():
    assert _table_supplemental_logging([], {}) == []


def test_table_supplemental_logging_guards_all_columns_and_log_group_ddl():
    sql = "\n".join(_table_supplemental_logging([("APP", "AUDIT_LOG")], {("APP", "EVENTS"): ["EVENT_ID", "SOURCE"]}))
    assert sql.startswith("-- 5. Tables without a primary key")
    assert (
        "  IF n = 0 THEN EXECUTE IMMEDIATE 'ALTER TABLE APP.AUDIT_LOG ADD SUPPLEMENTAL LOG DATA (ALL) COLUMNS'; END IF;"
    ) in sql
    assert (
        "  IF n = 0 THEN EXECUTE IMMEDIATE "
        "'ALTER TABLE APP.EVENTS ADD SUPPLEMENTAL LOG GROUP EVENTS_DLG (EVENT_ID, SOURCE) ALWAYS'; END IF;"
    ) in sql
    assert sql.count("\n/") == 2


def test_user_grants_give_select_per_table_and_alter_only_when_asked():
    select_only = "\n".join(_oracle_source_user_grants("DMS", ["APP"], alter_tables=False))
    assert "EXECUTE IMMEDIATE 'CREATE USER DMS IDENTIFIED BY \"<password>\"';" in select_only
    assert "GRANT SELECT ON DBA_TABLESPACES TO DMS;" in select_only
    assert "'GRANT SELECT ON \"' || t.owner || '\".\"' || t.table_name || '\" TO DMS';" in select_only
    assert "GRANT ALTER ON" not in select_only
    with_alter = "\n".join(_oracle_source_user_grants("DMS", ["APP"], alter_tables=True))
    assert "'GRANT ALTER ON \"' || t.owner || '\".\"' || t.table_name || '\" TO DMS';" in with_alter


def test_dictionary_grants_go_through_rdsadmin():
    lines = _oracle_source_dictionary_grants("DMS")
    assert "EXEC rdsadmin.rdsadmin_util.grant_sys_object('V_$LOGMNR_CONTENTS', 'DMS', 'SELECT');" in lines
    assert lines[-1] == (
        "EXEC rdsadmin.rdsadmin_util.grant_sys_object('REGISTRY$SQLPATCH', 'DMS', 'SELECT');  -- Oracle 12.1 and later"
    )


def test_redo_reader_grants_differ_by_reader():
    logminer = _redo_reader_grants("DMS", "logminer")
    assert logminer[1:] == [
        "GRANT LOGMINING TO DMS;  -- Oracle 12c and later",
        "EXEC rdsadmin.rdsadmin_util.grant_sys_object('DBMS_LOGMNR', 'DMS', 'EXECUTE');",
    ]
    binary = _redo_reader_grants("DMS", "binary-reader")
    assert "EXEC rdsadmin.rdsadmin_master_util.create_onlinelog_dir;" in binary
    assert "GRANT READ ON DIRECTORY ARCHIVELOG_DIR TO DMS;" in binary
    assert not any("LOGMINING" in line for line in binary)


def test_optional_grants_add_dbms_crypto_only_for_lob_validation():
    crypto = "EXEC rdsadmin.rdsadmin_util.grant_sys_object('DBMS_CRYPTO', 'DMS', 'EXECUTE');"
    assert crypto in _oracle_source_optional_grants("DMS", validation_with_lobs=True)
    assert crypto not in _oracle_source_optional_grants("DMS", validation_with_lobs=False)


def test_verify_checks_logging_only_with_cdc():
    cdc = _oracle_source_verify("DMS", ["APP", "HR"], cdc=True, add_supplemental_logging=False)
    assert "-- expect ARCHIVELOG, YES, YES" in cdc
    assert (
        "SELECT owner, table_name, log_group_name, log_group_type FROM dba_log_groups WHERE owner IN "
        "('APP', 'HR') ORDER BY 1, 2;"
    ) in cdc
    full_load = _oracle_source_verify("DMS", ["APP"], cdc=False, add_supplemental_logging=False)
    assert full_load == [
        "",
        "-- Verify",
        "SELECT privilege FROM dba_sys_privs WHERE grantee = 'DMS' ORDER BY 1;",
        "SELECT owner, table_name, privilege FROM dba_tab_privs WHERE grantee = 'DMS' ORDER BY 1, 2;",
    ]


def test_retention_is_checked_only_for_cdc():
    _check_reader_and_retention("logminer", 0, cdc=False)
    with pytest.raises(PrereqsError, match="archive_log_retention_hours: 0 is not allowed"):
        _check_reader_and_retention("logminer", 0, cdc=True)
    with pytest.raises(PrereqsError, match="reader: 'xstream' is not supported"):
        _check_reader_and_retention("xstream", 24, cdc=True)


def test_key_tables_keep_their_exact_names_and_are_deduplicated():
    """Table and column names are Oracle's, as stored: "EventLog" is not EVENTLOG (upper-casing them was the bug
    that sent ALTER TABLE SHOP.EVENTLOG to a table Oracle lacks). Schemas are the replicated schemas' spelling."""
    keyless, uk_only = _oracle_key_tables(
        [("app", "T1"), ("APP", "T1"), ("APP", "EventLog")], {("hr", "EVENTS"): ["ID", "Source", "ID"]}, ["APP", "HR"]
    )
    assert keyless == [("APP", "T1"), ("APP", "EventLog")]
    assert uk_only == {("HR", "EVENTS"): ["ID", "Source"]}


def test_mixed_case_and_reserved_names_are_quoted_in_the_logging_ddl():
    sql = "\n".join(_table_supplemental_logging([("SHOP", "EventLog")], {("SHOP", "ORDER"): ["ORDER_NO", "Level"]}))
    assert (
        "  SELECT COUNT(*) INTO n FROM dba_log_groups WHERE owner = 'SHOP' AND table_name = 'EventLog' AND "
        "log_group_type = 'ALL COLUMN LOGGING';\n"
        "  IF n = 0 THEN EXECUTE IMMEDIATE 'ALTER TABLE SHOP.\"EventLog\" ADD SUPPLEMENTAL LOG DATA (ALL) COLUMNS'; "
        "END IF;"
    ) in sql
    assert (
        'EXECUTE IMMEDIATE \'ALTER TABLE SHOP."ORDER" ADD SUPPLEMENTAL LOG GROUP ORDER_DLG (ORDER_NO, "Level") ALWAYS\''
    ) in sql


def test_oracle_source_script_is_the_steps_in_order():
    sql = oracle_source_prereqs(
        dms_user="dms",
        schemas=["app"],
        reader="logminer",
        archive_log_retention_hours=24,
        cdc=True,
        tables_without_key=[("app", "t")],
    )
    markers = [
        "archivelog retention hours",
        "alter_supplemental_logging('ADD');",
        "-- 5. Tables without a primary key",
        "-- DMS user and privileges",
        "-- Dictionary objects DMS reads",
        "-- LogMiner reader",
        "-- Only when they apply",
        "-- Verify",
    ]
    positions = [sql.index(m) for m in markers]
    assert positions == sorted(positions)


# --- PostgreSQL target -------------------------------------------------------------------------------------------


def test_target_schema_grants_cover_existing_and_future_tables_of_each_owner():
    lines = _target_schema_grants("Sales", "dms", ["owner1"])
    assert 'CREATE SCHEMA IF NOT EXISTS "Sales";' in lines
    assert 'GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA "Sales" TO dms;' in lines
    assert (
        'ALTER DEFAULT PRIVILEGES IN SCHEMA "Sales" GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO dms;'
    ) in lines
    assert (
        'ALTER DEFAULT PRIVILEGES FOR ROLE owner1 IN SCHEMA "Sales" GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE '
        "ON TABLES TO dms;"
    ) in lines


def test_control_schema_gets_create_only_when_not_a_target_schema():
    assert _control_schema_grants("awsdms_control", "dms")[-1] == (
        "GRANT USAGE, CREATE ON SCHEMA awsdms_control TO dms;"
    )
    separate = _postgres_target_schema_grants("dms", ["app"], "awsdms_control", [])
    assert "CREATE SCHEMA IF NOT EXISTS awsdms_control;" in separate
    shared = _postgres_target_schema_grants("dms", ["app", "awsdms_control"], "awsdms_control", [])
    assert shared.count("CREATE SCHEMA IF NOT EXISTS awsdms_control;") == 1
    assert not any(line.startswith("-- control schema") for line in shared)


def test_force_ssl_note_names_the_engines_parameter_group():
    assert "(DB cluster parameter group)" in _force_ssl_note("aurora-postgresql")[0]
    assert "(DB parameter group)" in _force_ssl_note("postgres")[0]


def test_target_verify_lists_each_schema_once():
    lines = _postgres_target_verify("dms", "appdb", ["app", "ctl"], "ctl")
    assert lines[-2] == "SELECT has_database_privilege('dms', 'appdb', 'CONNECT, CREATE') AS db_ok;"
    assert lines[-1].endswith("FROM pg_namespace WHERE nspname IN ('app', 'ctl');")


# --- PostgreSQL source -------------------------------------------------------------------------------------------


def test_logical_replication_cli_uses_placeholders_when_names_are_unknown():
    assert _logical_replication_cli("postgres", None, None) == [
        "--   aws rds modify-db-parameter-group --db-parameter-group-name <parameter-group> \\",
        "--     --parameters ParameterName=rds.logical_replication,ParameterValue=1,ApplyMethod=pending-reboot",
        "--   aws rds reboot-db-instance --db-instance-identifier <db-instance>",
    ]
    aurora = _logical_replication_cli("aurora-postgresql", "apg", "writer-1")
    assert aurora[0] == "--   aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name apg \\"
    assert aurora[-1] == "--   aws rds reboot-db-instance --db-instance-identifier writer-1   # the writer instance"


def test_source_grants_give_replication_and_select():
    lines = _postgres_source_grants("rev", "appdb", ["app"], ["owner1"])
    for line in [
        "GRANT CONNECT ON DATABASE appdb TO rev;",
        "GRANT rds_replication TO rev;",
        "GRANT USAGE ON SCHEMA app TO rev;",
        "GRANT SELECT ON ALL TABLES IN SCHEMA app TO rev;",
        "ALTER DEFAULT PRIVILEGES FOR ROLE owner1 IN SCHEMA app GRANT SELECT ON TABLES TO rev;",
    ]:
        assert line in lines


def test_replication_slot_is_created_guarded_with_the_plugins_output_name():
    lines = _replication_slot("rev_slot", "test-decoding")
    assert "SELECT * FROM pg_create_logical_replication_slot('rev_slot', 'test_decoding')" in "\n".join(lines)
    assert lines[-1] == (
        "SELECT slot_name, plugin, confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = 'rev_slot';"
    )
    pglogical = "\n".join(_replication_slot("rev_slot", "pglogical"))
    assert "pg_create_logical_replication_slot('rev_slot', 'pglogical_output')" in pglogical
    assert "-- (uncertain) output plugin name for pglogical slots" in pglogical


def test_empty_slot_name_means_no_slot_section():
    sql = postgres_source_prereqs(
        dms_user="u",
        database="d",
        schemas=["s"],
        slot_name="",
        plugin="test-decoding",
        heartbeat_schema="h",
        engine="postgres",
    )
    assert "pg_create_logical_replication_slot" not in sql
    assert sql.endswith("SELECT pg_current_wal_lsn()::text AS lsn;\n")
