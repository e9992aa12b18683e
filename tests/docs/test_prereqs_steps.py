"""The steps the prerequisite scripts are built from, each checked on its own part of a whole generated script."""

from typing import Any

import pytest

from migration.docs.prereqs import (
    PrereqsError,
    oracle_source_prereqs,
    postgres_source_prereqs,
    postgres_target_prereqs,
    slot_creation_sql,
)


def _lines_between(sql: str, start: str, end: str | None = None) -> list[str]:
    """The script's lines from the first one starting with `start` up to (not including) the next one starting
    with `end` (the next empty line when `end` is ""; the end of the script when None)."""
    lines = sql.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(start))
    if end is None:
        return lines[first:]
    last = next(i for i, line in enumerate(lines) if i > first and (line.startswith(end) if end else not line))
    return lines[first:last]


def _oracle(**overrides: Any) -> str:
    args: dict[str, Any] = dict(
        dms_user="DMS", schemas=["APP"], reader="logminer", archive_log_retention_hours=24, cdc=True
    )
    args.update(overrides)
    return oracle_source_prereqs(**args)


def _target(**overrides: Any) -> str:
    args: dict[str, Any] = dict(
        dms_user="dms", database="appdb", schemas=["app"], control_schema="awsdms_control", engine="postgres"
    )
    args.update(overrides)
    return postgres_target_prereqs(**args)


def _source(**overrides: Any) -> str:
    args: dict[str, Any] = dict(
        dms_user="rev",
        database="appdb",
        schemas=["app"],
        slot_name="rev_slot",
        plugin="test-decoding",
        heartbeat_schema="public",
        engine="postgres",
    )
    args.update(overrides)
    return postgres_source_prereqs(**args)


# --- Oracle source -----------------------------------------------------------------------------------------------


def test_archive_log_retention_sets_the_hours_and_commits():
    step = _lines_between(_oracle(archive_log_retention_hours=48), "-- 1. ", "-- 3. ")
    assert step[-2:] == [
        "EXEC rdsadmin.rdsadmin_util.set_configuration('archivelog retention hours', 48);",
        "COMMIT;",
    ]
    assert all(line.startswith("--") for line in step[:-2])


def test_database_supplemental_logging_pk_is_database_wide_unless_dms_adds_it():
    database_wide = _lines_between(_oracle(add_supplemental_logging=False), "-- 3. ", "")
    assert "EXEC rdsadmin.rdsadmin_util.alter_supplemental_logging('ADD');" in database_wide
    assert "EXEC rdsadmin.rdsadmin_util.alter_supplemental_logging('ADD','PRIMARY KEY');" in database_wide
    per_table = _oracle(add_supplemental_logging=True)
    assert "EXEC rdsadmin.rdsadmin_util.alter_supplemental_logging('ADD');" in per_table.splitlines()
    assert "PRIMARY KEY');" not in per_table


def test_table_supplemental_logging_is_left_out_when_every_table_has_a_pk():
    sql = _oracle()
    assert "-- 5. " not in sql and "dba_log_groups WHERE owner = " not in sql


def test_table_supplemental_logging_guards_all_columns_and_log_group_ddl():
    sql = _oracle(
        tables_without_key=[("APP", "AUDIT_LOG")], unique_key_only={("APP", "EVENTS"): ["EVENT_ID", "SOURCE"]}
    )
    step = "\n".join(_lines_between(sql, "-- 5. ", ""))
    assert (
        "  IF n = 0 THEN EXECUTE IMMEDIATE 'ALTER TABLE APP.AUDIT_LOG ADD SUPPLEMENTAL LOG DATA (ALL) COLUMNS'; END IF;"
    ) in step
    assert (
        "  IF n = 0 THEN EXECUTE IMMEDIATE "
        "'ALTER TABLE APP.EVENTS ADD SUPPLEMENTAL LOG GROUP EVENTS_DLG (EVENT_ID, SOURCE) ALWAYS'; END IF;"
    ) in step
    assert step.count("\n/") == 2


def test_user_grants_give_select_per_table_and_alter_only_when_asked():
    select_only = "\n".join(_lines_between(_oracle(), "-- DMS user and privileges", "-- Dictionary objects"))
    assert "EXECUTE IMMEDIATE 'CREATE USER DMS IDENTIFIED BY \"<password>\"';" in select_only
    assert "GRANT SELECT ON DBA_TABLESPACES TO DMS;" in select_only
    assert "'GRANT SELECT ON \"' || t.owner || '\".\"' || t.table_name || '\" TO DMS';" in select_only
    assert "GRANT ALTER ON" not in select_only
    with_alter = _oracle(add_supplemental_logging=True)
    assert "'GRANT ALTER ON \"' || t.owner || '\".\"' || t.table_name || '\" TO DMS';" in with_alter
    # ALTER is for DMS adding table-level logging, which a full load never does.
    assert "GRANT ALTER ON" not in _oracle(add_supplemental_logging=True, cdc=False)


def test_dictionary_grants_go_through_rdsadmin():
    lines = _lines_between(_oracle(), "-- Dictionary objects DMS reads", "-- LogMiner reader")
    assert "EXEC rdsadmin.rdsadmin_util.grant_sys_object('V_$LOGMNR_CONTENTS', 'DMS', 'SELECT');" in lines
    assert lines[-1] == (
        "EXEC rdsadmin.rdsadmin_util.grant_sys_object('REGISTRY$SQLPATCH', 'DMS', 'SELECT');  -- Oracle 12.1 and later"
    )


def test_redo_reader_grants_differ_by_reader():
    logminer = _lines_between(_oracle(reader="logminer"), "-- LogMiner reader", "-- Only when they apply")
    assert logminer[1:] == [
        "GRANT LOGMINING TO DMS;  -- Oracle 12c and later",
        "EXEC rdsadmin.rdsadmin_util.grant_sys_object('DBMS_LOGMNR', 'DMS', 'EXECUTE');",
    ]
    binary = _lines_between(_oracle(reader="binary-reader"), "-- Binary Reader", "-- Only when they apply")
    assert "EXEC rdsadmin.rdsadmin_master_util.create_onlinelog_dir;" in binary
    assert "GRANT READ ON DIRECTORY ARCHIVELOG_DIR TO DMS;" in binary
    assert not any("LOGMINING" in line for line in binary)


def test_optional_grants_add_dbms_crypto_only_for_lob_validation():
    crypto = "EXEC rdsadmin.rdsadmin_util.grant_sys_object('DBMS_CRYPTO', 'DMS', 'EXECUTE');"
    assert crypto in _oracle(validation_with_lobs=True).splitlines()
    assert crypto not in _oracle(validation_with_lobs=False).splitlines()


def test_verify_checks_logging_only_with_cdc():
    cdc = _lines_between(_oracle(schemas=["APP", "HR"]), "-- Verify")
    assert "-- expect ARCHIVELOG, YES, YES" in cdc
    assert (
        "SELECT owner, table_name, log_group_name, log_group_type FROM dba_log_groups WHERE owner IN "
        "('APP', 'HR') ORDER BY 1, 2;"
    ) in cdc
    full_load = _lines_between(_oracle(cdc=False), "-- Verify")
    assert full_load == [
        "-- Verify",
        "SELECT privilege FROM dba_sys_privs WHERE grantee = 'DMS' ORDER BY 1;",
        "SELECT owner, table_name, privilege FROM dba_tab_privs WHERE grantee = 'DMS' ORDER BY 1, 2;",
    ]


def test_retention_is_checked_only_for_cdc():
    assert "archivelog retention hours" not in _oracle(archive_log_retention_hours=0, cdc=False)
    with pytest.raises(PrereqsError, match="archive_log_retention_hours: 0 is not allowed"):
        _oracle(archive_log_retention_hours=0, cdc=True)
    with pytest.raises(PrereqsError, match="reader: 'xstream' is not supported"):
        _oracle(reader="xstream")


def test_key_tables_keep_their_exact_names_and_are_deduplicated():
    """Table and column names are Oracle's, as stored: "EventLog" is not EVENTLOG (upper-casing them was the bug
    that sent ALTER TABLE SHOP.EVENTLOG to a table Oracle lacks). Schemas are the replicated schemas' spelling."""
    sql = _oracle(
        schemas=["APP", "HR"],
        tables_without_key=[("app", "T1"), ("APP", "T1"), ("APP", "EventLog")],
        unique_key_only={("hr", "EVENTS"): ["ID", "Source", "ID"]},
    )
    step = _lines_between(sql, "-- 5. ", "")
    all_columns = [line for line in step if "ADD SUPPLEMENTAL LOG DATA (ALL) COLUMNS" in line]
    assert all_columns == [
        "  IF n = 0 THEN EXECUTE IMMEDIATE 'ALTER TABLE APP.T1 ADD SUPPLEMENTAL LOG DATA (ALL) COLUMNS'; END IF;",
        "  IF n = 0 THEN EXECUTE IMMEDIATE 'ALTER TABLE APP.\"EventLog\" ADD SUPPLEMENTAL LOG DATA (ALL) COLUMNS'; "
        "END IF;",
    ]
    groups = [line for line in step if "ADD SUPPLEMENTAL LOG GROUP" in line]
    assert groups == [
        "  IF n = 0 THEN EXECUTE IMMEDIATE "
        "'ALTER TABLE HR.EVENTS ADD SUPPLEMENTAL LOG GROUP EVENTS_DLG (ID, \"Source\") ALWAYS'; END IF;"
    ]


def test_mixed_case_and_reserved_names_are_quoted_in_the_logging_ddl():
    sql = _oracle(
        schemas=["SHOP"],
        tables_without_key=[("SHOP", "EventLog")],
        unique_key_only={("SHOP", "ORDER"): ["ORDER_NO", "Level"]},
    )
    assert (
        "  SELECT COUNT(*) INTO n FROM dba_log_groups WHERE owner = 'SHOP' AND table_name = 'EventLog' AND "
        "log_group_type = 'ALL COLUMN LOGGING';\n"
        "  IF n = 0 THEN EXECUTE IMMEDIATE 'ALTER TABLE SHOP.\"EventLog\" ADD SUPPLEMENTAL LOG DATA (ALL) COLUMNS'; "
        "END IF;"
    ) in sql
    assert (
        'EXECUTE IMMEDIATE \'ALTER TABLE SHOP."ORDER" ADD SUPPLEMENTAL LOG GROUP ORDER_DLG (ORDER_NO, "Level") ALWAYS\''
    ) in sql


def test_a_reserved_word_as_the_dms_user_is_quoted_where_it_is_an_identifier():
    """`USER` is an Oracle reserved word: bare, `GRANT CREATE SESSION TO USER` fails. In the dictionary look-ups
    and the rdsadmin calls it stays a literal, as the dictionary stores it."""
    lines = _oracle(dms_user="user").splitlines()
    assert '    EXECUTE IMMEDIATE \'CREATE USER "USER" IDENTIFIED BY "<password>"\';' in lines
    assert 'GRANT CREATE SESSION TO "USER";' in lines
    assert "  SELECT COUNT(*) INTO n FROM dba_users WHERE username = 'USER';" in lines
    assert "EXEC rdsadmin.rdsadmin_util.grant_sys_object('ALL_TABLES', 'USER', 'SELECT');" in lines


def test_oracle_source_script_is_the_steps_in_order():
    sql = _oracle(dms_user="dms", schemas=["app"], tables_without_key=[("app", "t")])
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
    lines = _target(schemas=["Sales"], table_owners=["owner1"]).splitlines()
    assert 'CREATE SCHEMA IF NOT EXISTS "Sales";' in lines
    assert 'GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA "Sales" TO dms;' in lines
    assert (
        'ALTER DEFAULT PRIVILEGES IN SCHEMA "Sales" GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO dms;'
    ) in lines
    assert (
        'ALTER DEFAULT PRIVILEGES FOR ROLE owner1 IN SCHEMA "Sales" GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE '
        "ON TABLES TO dms;"
    ) in lines


def test_reserved_words_are_quoted_like_everywhere_else():
    """`window` and `user` are PostgreSQL reserved words: bare, PostgreSQL rejects the statement."""
    lines = _target(dms_user="user", schemas=["window"]).splitlines()
    assert 'CREATE SCHEMA IF NOT EXISTS "window";' in lines
    assert "    CREATE ROLE \"user\" LOGIN PASSWORD '<password>';" in lines
    assert 'GRANT USAGE, CREATE ON SCHEMA "window" TO "user";' in lines
    assert "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'user') THEN" in lines


def test_control_schema_gets_create_only_when_not_a_target_schema():
    separate = _target(schemas=["app"])
    assert "CREATE SCHEMA IF NOT EXISTS awsdms_control;" in separate.splitlines()
    assert "GRANT USAGE, CREATE ON SCHEMA awsdms_control TO dms;" in separate.splitlines()
    assert "-- control schema awsdms_control" in separate
    shared = _target(schemas=["app", "awsdms_control"])
    assert shared.count("CREATE SCHEMA IF NOT EXISTS awsdms_control;") == 1
    assert not any(line.startswith("-- control schema") for line in shared.splitlines())


def test_force_ssl_note_names_the_engines_parameter_group():
    assert "rds.force_ssl=1 (DB cluster parameter group)" in _target(engine="aurora-postgresql")
    assert "rds.force_ssl=1 (DB parameter group)" in _target(engine="postgres")


def test_target_verify_lists_each_schema_once():
    lines = _target(schemas=["app", "ctl"], control_schema="ctl").splitlines()
    assert lines[-2] == "SELECT has_database_privilege('dms', 'appdb', 'CONNECT, CREATE') AS db_ok;"
    assert lines[-1].endswith("FROM pg_namespace WHERE nspname IN ('app', 'ctl');")


# --- PostgreSQL source -------------------------------------------------------------------------------------------


def test_logical_replication_cli_uses_placeholders_when_names_are_unknown():
    rds = _lines_between(_source(), "--   aws rds", "--    It sets")
    assert rds == [
        "--   aws rds modify-db-parameter-group --db-parameter-group-name <parameter-group> \\",
        "--     --parameters ParameterName=rds.logical_replication,ParameterValue=1,ApplyMethod=pending-reboot",
        "--   aws rds reboot-db-instance --db-instance-identifier <db-instance>",
    ]
    aurora = _lines_between(
        _source(engine="aurora-postgresql", parameter_group="apg", db_instance="writer-1"), "--   aws rds", "--    It"
    )
    assert aurora[0] == "--   aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name apg \\"
    assert aurora[-1] == "--   aws rds reboot-db-instance --db-instance-identifier writer-1   # the writer instance"


def test_source_grants_give_replication_and_select():
    lines = _source(table_owners=["owner1"]).splitlines()
    for line in [
        "GRANT CONNECT ON DATABASE appdb TO rev;",
        "GRANT rds_replication TO rev;",
        "GRANT USAGE ON SCHEMA app TO rev;",
        "GRANT SELECT ON ALL TABLES IN SCHEMA app TO rev;",
        "ALTER DEFAULT PRIVILEGES FOR ROLE owner1 IN SCHEMA app GRANT SELECT ON TABLES TO rev;",
    ]:
        assert line in lines


def test_the_prereqs_only_point_at_the_slot_which_the_runbook_creates_at_cutover():
    sql = _source()
    assert "pg_create_logical_replication_slot" not in sql and "pg_current_wal_lsn" not in sql
    assert "-- Replication slot rev_slot (endpoint SlotName): not now." in sql
    assert "SELECT * FROM pg_create_logical_replication_slot('rev_slot', 'test_decoding')" in slot_creation_sql(
        "rev_slot"
    )
    assert "pg_create_logical_replication_slot('rev_slot', 'pglogical_output')" in slot_creation_sql(
        "rev_slot", "pglogical"
    )


def test_empty_slot_name_means_no_slot_section():
    sql = _source(slot_name="", schemas=["s"], heartbeat_schema="h")
    assert "Replication slot" not in sql
