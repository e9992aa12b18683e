"""The generated PostgreSQL scripts, run on a real server: they must grant exactly what DMS needs.

RDS's `rds_superuser` / `rds_replication` roles are simulated as empty NOLOGIN roles. On RDS, rds_replication is
what lets a role use logical replication; vanilla PostgreSQL has no such role, so the tests give the DMS role the
REPLICATION attribute themselves (test setup only, the scripts never do).
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from migration.config.stackfile import read_stack_file
from migration.dms.positions import parse_postgres_start
from migration.docs.prereqs import (
    LSN_QUERY,
    postgres_source_prereqs,
    postgres_target_prereqs,
    replica_identity_sql,
    slot_creation_sql,
)
from migration.docs.runbook import (
    MigratedTable,
    RunbookContext,
    oracle_sequence_resync_query,
    postgres_sequence_resync_sql,
    render_runbook,
)
from migration.docs.stack_docs import prerequisites
from migration.planning.design import resolve

PASSWORD = "prq-test-pw"
SLOT = "prq_dms_rev_slot"


def _role(pg, name: str, attrs: str = "NOLOGIN") -> None:
    pg.execute(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN "
        f"CREATE ROLE {name} {attrs}; END IF; END $$;"
    )


@pytest.fixture(scope="module")
def pg(pg_server):
    _role(pg_server, "rds_superuser")
    _role(pg_server, "rds_replication")
    return pg_server


def _run(pg, script: str, dbname: str) -> None:
    """Through psql, as a DBA runs it: statement by statement (a slot cannot be created after writes in one
    transaction, so sending the whole script as one string would not be the same thing)."""
    done = pg.psql(script.replace("<password>", PASSWORD), dbname)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def target_db(pg):
    db = pg.create_database("prq_target")
    _role(pg, "prq_owner", "LOGIN")
    _role(pg, "prq_other", "LOGIN")
    script = postgres_target_prereqs(
        dms_user="prq_dms",
        database=db,
        schemas=["prq_app"],
        control_schema="prq_ctl",
        engine="postgres",
        table_owners=["prq_owner"],
    )
    _run(pg, script, db)
    _run(pg, script, db)  # re-runnable
    # The application schema's owner (SCT deploy role) gets its own rights from the DBA, not from this script.
    pg.execute("GRANT USAGE, CREATE ON SCHEMA prq_app TO prq_owner, prq_other", dbname=db)
    with pg.connect(db, user="prq_owner") as conn:
        conn.execute("CREATE TABLE prq_app.orders (id bigint PRIMARY KEY, note text)")
        conn.execute("INSERT INTO prq_app.orders VALUES (1, 'before')")
    with pg.connect(db, user="prq_other") as conn:
        conn.execute("CREATE TABLE prq_app.unlisted (id int PRIMARY KEY)")
    return db, script


def test_target_script_contains_the_role_guard_and_placeholder(target_db):
    _, script = target_db
    assert "IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'prq_dms') THEN" in script
    assert "CREATE ROLE prq_dms LOGIN PASSWORD '<password>';" in script
    assert PASSWORD not in script


def test_dms_user_writes_into_a_table_precreated_after_the_grants(pg, target_db):
    db, _ = target_db
    with pg.connect(db, user="prq_dms", password=PASSWORD) as conn:
        conn.execute("INSERT INTO prq_app.orders VALUES (2, 'dms')")
        conn.execute("UPDATE prq_app.orders SET note = 'updated' WHERE id = 1")
        conn.execute("DELETE FROM prq_app.orders WHERE id = 2")
        assert conn.execute("SELECT id, note FROM prq_app.orders ORDER BY id").fetchall() == [(1, "updated")]
        conn.execute("TRUNCATE prq_app.orders")
        assert conn.execute("SELECT count(*) FROM prq_app.orders").fetchone() == (0,)


def test_dms_user_creates_missing_tables_and_its_control_tables(pg, target_db):
    db, _ = target_db
    with pg.connect(db, user="prq_dms", password=PASSWORD) as conn:
        conn.execute("CREATE TABLE prq_app.created_by_dms (id int PRIMARY KEY)")
        conn.execute("CREATE TABLE prq_ctl.awsdms_apply_exceptions (task_name varchar(128), error text)")
        conn.execute("INSERT INTO prq_ctl.awsdms_apply_exceptions VALUES ('t', 'e')")
        owners = conn.execute(
            "SELECT tablename, tableowner FROM pg_tables WHERE schemaname IN ('prq_app', 'prq_ctl') "
            "AND tableowner = 'prq_dms' ORDER BY 1"
        ).fetchall()
    assert owners == [("awsdms_apply_exceptions", "prq_dms"), ("created_by_dms", "prq_dms")]


def test_tables_of_owners_not_named_are_not_covered(pg, target_db):
    """Proves the default privileges (not something broader) are what let DMS write the owner's tables."""
    db, _ = target_db
    with pg.connect(db, user="prq_dms", password=PASSWORD) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied for table unlisted"):
            conn.execute("INSERT INTO prq_app.unlisted VALUES (1)")


def test_session_replication_role_grant_in_the_comment_works_on_vanilla_pg(pg, target_db):
    db, script = target_db
    grant = next(line for line in script.splitlines() if "GRANT SET ON PARAMETER" in line)
    statement = grant.split(": ", 1)[1]
    assert statement == "GRANT SET ON PARAMETER session_replication_role TO prq_dms;"
    with pg.connect(db, user="prq_dms", password=PASSWORD) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SET session_replication_role = 'replica'")
    pg.execute(statement, dbname=db)
    with pg.connect(db, user="prq_dms", password=PASSWORD) as conn:
        conn.execute("SET session_replication_role = 'replica'")
        assert conn.execute("SHOW session_replication_role").fetchone() == ("replica",)


@pytest.fixture(scope="module")
def source_db(pg):
    """The reverse source's prereqs run before the load, on a database with no table yet (after the target script,
    which creates the schemas); the runbook's step 5 SQL runs at cutover, once the tables exist."""
    db = pg.create_database("prq_source")
    _role(pg, "prq_src_owner", "LOGIN")
    target = postgres_target_prereqs(
        dms_user="prq_fwd", database=db, schemas=["prq_src"], control_schema="prq_ctl", engine="postgres"
    )
    script = postgres_source_prereqs(
        dms_user="prq_rev",
        database=db,
        schemas=["prq_src"],
        slot_name=SLOT,
        plugin="test-decoding",
        heartbeat_schema="prq_hb",
        engine="postgres",
        table_owners=["prq_src_owner"],
        replica_identity_full=["prq_src.keyless"],
    )
    try:
        _run(pg, target, db)
        _run(pg, script, db)
        _run(pg, script, db)  # re-runnable
        with pg.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM pg_replication_slots").fetchone() == (0,)  # no WAL retained
        pg.execute("GRANT USAGE, CREATE ON SCHEMA prq_src TO prq_src_owner", dbname=db)
        with pg.connect(db, user="prq_src_owner") as conn:  # the before-load DDL and the load
            conn.execute("CREATE TABLE prq_src.customers (id int PRIMARY KEY, name text)")
            conn.execute("CREATE TABLE prq_src.keyless (name text)")
            conn.execute("INSERT INTO prq_src.customers VALUES (1, 'ada')")
        at_cutover = "\n".join([*replica_identity_sql(["prq_src.keyless"]), slot_creation_sql(SLOT)])
        _run(pg, at_cutover, db)
        _run(pg, at_cutover, db)  # re-runnable: the slot is created once
        pg.execute("ALTER ROLE prq_rev REPLICATION")  # what rds_replication grants on RDS (see module docstring)
        yield db, script, at_cutover
    finally:
        pg.execute(f"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '{SLOT}'")


def test_the_step_5_sql_creates_one_test_decoding_slot_and_full_replica_identity(pg, source_db):
    db, script, at_cutover = source_db
    assert "pg_create_logical_replication_slot" not in script and "REPLICA IDENTITY FULL;" not in script
    assert f"SELECT * FROM pg_create_logical_replication_slot('{SLOT}', 'test_decoding')" in at_cutover
    with pg.connect(db) as conn:
        rows = conn.execute(
            "SELECT slot_name, plugin, slot_type, database FROM pg_replication_slots WHERE slot_name = %s", (SLOT,)
        ).fetchall()
        identity = conn.execute("SELECT relreplident FROM pg_class WHERE oid = 'prq_src.keyless'::regclass")
        assert identity.fetchone() == ("f",)
    assert rows == [(SLOT, "test_decoding", "logical", db)]


def test_reverse_dms_user_reads_the_schemas_and_the_slot(pg, source_db):
    db, *_ = source_db
    with pg.connect(db, user="prq_src_owner") as conn:
        conn.execute("INSERT INTO prq_src.customers VALUES (2, 'grace')")
        conn.execute("CREATE TABLE prq_src.later (id int PRIMARY KEY)")  # after the grants: default privileges
    with pg.connect(db, user="prq_rev", password=PASSWORD) as conn:
        assert conn.execute("SELECT id, name FROM prq_src.customers ORDER BY id").fetchall() == [
            (1, "ada"),
            (2, "grace"),
        ]
        assert conn.execute("SELECT count(*) FROM prq_src.later").fetchone() == (0,)
        changes = [
            r[0]
            for r in conn.execute("SELECT data FROM pg_logical_slot_peek_changes(%s, NULL, NULL)", (SLOT,)).fetchall()
        ]
        conn.execute("CREATE TABLE prq_hb.awsdms_heartbeat (hb_id int, hb_ts timestamp)")
    assert "table prq_src.customers: INSERT: id[integer]:2 name[text]:'grace'" in changes


def test_lsn_query_result_is_accepted_as_a_reverse_start_position(pg, source_db):
    db, *_ = source_db
    with pg.connect(db, user="prq_rev", password=PASSWORD) as conn:
        (lsn,) = conn.execute(LSN_QUERY).fetchone()
    point = parse_postgres_start(lsn, slot_name=SLOT)
    assert (point.kind, point.cdc_start_position, point.cdc_start_time) == ("lsn", lsn, None)


@pytest.fixture(scope="module")
def seq_db(pg):
    db = pg.create_database("prq_seq")
    pg.execute(
        """
        CREATE SCHEMA prq_app;
        CREATE SCHEMA prq_other;
        CREATE TABLE prq_app.orders (id serial PRIMARY KEY);
        CREATE TABLE prq_app.items (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);
        CREATE SEQUENCE prq_app.shared_seq START 100;
        CREATE TABLE prq_app.a (id bigint PRIMARY KEY DEFAULT nextval('prq_app.shared_seq'));
        CREATE TABLE prq_app.b (id bigint PRIMARY KEY DEFAULT nextval('prq_app.shared_seq'));
        CREATE TABLE prq_app.empty (id serial PRIMARY KEY);
        CREATE TABLE prq_other.untouched (id serial PRIMARY KEY);
        -- rows arrive with explicit keys, as DMS writes them; the sequences stay at their start
        INSERT INTO prq_app.orders VALUES (41), (7);
        INSERT INTO prq_app.items VALUES (1000);
        INSERT INTO prq_app.a VALUES (150);
        INSERT INTO prq_app.b VALUES (230);
        INSERT INTO prq_other.untouched VALUES (500);
    """,
        dbname=db,
    )
    return db


def test_sequence_resync_sets_next_values_to_max_plus_one(pg, seq_db):
    pg.execute(postgres_sequence_resync_sql(["prq_app"]), dbname=seq_db)
    pg.execute(postgres_sequence_resync_sql(["prq_app"]), dbname=seq_db)  # idempotent
    with pg.connect(seq_db) as conn:
        got = conn.execute(
            "SELECT nextval('prq_app.orders_id_seq'), nextval('prq_app.items_id_seq'), "
            "nextval('prq_app.shared_seq'), nextval('prq_app.empty_id_seq'), "
            "nextval('prq_other.untouched_id_seq')"
        ).fetchone()
    assert got == (42, 1001, 231, 1, 1)


def test_oracle_sequence_script_carries_postgres_last_values(pg, seq_db):
    with pg.connect(seq_db) as conn:
        conn.execute("SELECT setval('prq_app.orders_id_seq', 77)")
        conn.execute("SELECT setval('prq_app.shared_seq', 300)")
        (script,) = conn.execute(oracle_sequence_resync_query({"prq_app": "APP"})).fetchone()
    lines = script.splitlines()
    assert lines[0] == "WHENEVER SQLERROR EXIT FAILURE" and "DECLARE" in lines
    assert lines[-3:] == ["END;", "/", "EXIT"]
    bumps = [line for line in lines if line.startswith("  bump(")]
    assert "  bump('APP', 'ORDERS_ID_SEQ', 77);" in bumps
    assert "  bump('APP', 'SHARED_SEQ', 300);" in bumps
    assert not any("UNTOUCHED" in b for b in bumps)


def test_runbook_row_count_query_counts_exactly(pg, seq_db):
    ctx = RunbookContext(
        project="p",
        stack="s",
        region="eu-west-1",
        phase="replicate",
        migration_type="full-load",
        forward_task_ids=["t"],
        reverse_task_id=None,
        instance_id="i",
        source_description="o",
        target_description="pg",
        oracle_schemas=["APP"],
        postgres_schemas=["prq_app"],
        reverse_slot_name=None,
        loopback_prevention=False,
        validation_enabled=False,
    )
    query = next(line for line in render_runbook(ctx).splitlines() if line.startswith("SELECT table_schema"))
    with pg.connect(seq_db) as conn:
        rows = conn.execute(query).fetchall()
    assert rows == [
        ("prq_app", "a", 1),
        ("prq_app", "b", 1),
        ("prq_app", "empty", 0),
        ("prq_app", "items", 1),
        ("prq_app", "orders", 2),
    ]


def _migrated_ctx(tables):
    return RunbookContext(
        project="p",
        stack="s",
        region="eu-west-1",
        phase="replicate",
        migration_type="full-load",
        forward_task_ids=["t"],
        reverse_task_id=None,
        instance_id="i",
        source_description="o",
        target_description="pg",
        oracle_schemas=["SHOP"],
        postgres_schemas=["prq_shop"],
        reverse_slot_name=None,
        loopback_prevention=False,
        validation_enabled=False,
        migrated_tables=tables,
    )


def test_runbook_row_count_query_counts_exactly_the_migrated_tables(pg):
    """Names that need quoting on PostgreSQL (a reserved word, a mixed-case name kept as is) and a table the tasks
    do not migrate, which must not be counted."""
    db = pg.create_database("prq_counts")
    pg.execute(
        """
        CREATE SCHEMA prq_shop;
        CREATE TABLE prq_shop.orderlines (id int);
        CREATE TABLE prq_shop."order" (id int);
        CREATE TABLE prq_shop."Weird Name" (id int);
        CREATE TABLE prq_shop.not_migrated (id int);
        INSERT INTO prq_shop.orderlines VALUES (1), (2), (3);
        INSERT INTO prq_shop."order" VALUES (1);
        INSERT INTO prq_shop.not_migrated VALUES (1), (2);
        """,
        dbname=db,
    )
    tables = [
        MigratedTable("SHOP", "OrderLines", "prq_shop", "orderlines"),
        MigratedTable("SHOP", "ORDER", "prq_shop", "order"),
        MigratedTable("SHOP", "Weird Name", "prq_shop", "Weird Name"),
    ]
    text = render_runbook(_migrated_ctx(tables))
    chunk = text[text.index('-- PostgreSQL (psql "$PG_URL")\n') :].split("\n", 1)[1]
    query = chunk[: chunk.index("\n```")]
    assert 'FROM prq_shop."order"' in query and 'FROM prq_shop."Weird Name"' in query
    with pg.connect(db) as conn:
        rows = conn.execute(query).fetchall()
    assert rows == [
        ('SHOP."OrderLines"', "prq_shop.orderlines", 3),
        ('SHOP."ORDER"', 'prq_shop."order"', 1),
        ('SHOP."Weird Name"', 'prq_shop."Weird Name"', 0),
    ]


def test_a_reserved_word_schema_rename_runs_on_real_postgres(pg):
    """`migration.schemaRenames={"APP":"window"}`: `window` is reserved in PostgreSQL, so the script must quote it
    (it used to emit `CREATE SCHEMA IF NOT EXISTS window;`, which PostgreSQL rejects)."""
    overrides = [
        'migration.schemaRenames={"APP":"window"}',
        "target.username=prq_window_dms",
        "target.databaseName=prq_window_app",
    ]
    stack = read_stack_file(Path(__file__).resolve().parents[2], "dev", overrides).load()
    script = prerequisites(resolve(stack), side="postgres")
    db = pg.create_database("prq_window_app")
    _run(pg, script, db)
    _run(pg, script, db)  # re-runnable
    with pg.connect(db, user="prq_window_dms", password=PASSWORD) as conn:
        conn.execute('CREATE TABLE "window".orders (id int PRIMARY KEY)')
        conn.execute('INSERT INTO "window".orders VALUES (1)')
        assert conn.execute('SELECT id FROM "window".orders').fetchall() == [(1,)]
