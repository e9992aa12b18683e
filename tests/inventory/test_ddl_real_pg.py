"""The generated DDL runs on a real PostgreSQL 15 and creates exactly the recommended column types."""

import re
from pathlib import Path

import pytest

from migration.inventory.ddl import quote_ident, render_ddl
from migration.inventory.load import load_inventory
from migration.inventory.model import Column, Inventory, InventoryError, Table
from migration.inventory.names import build_name_map, shortened
from migration.inventory.typemap import PG_RESERVED_WORDS, oracle_to_postgres

DATA = Path(__file__).resolve().parents[1] / "data" / "inventory"
SAMPLE = [DATA / n for n in ("columns.csv", "tables.csv", "lobs.csv", "keys.csv")]


def expected_catalog(pg_type: str) -> tuple:
    """What information_schema.columns reports for one of our type strings:
    (data_type, character_maximum_length, numeric_precision, numeric_scale, datetime_precision)."""
    if m := re.fullmatch(r"numeric\((\d+),(-?\d+)\)", pg_type):
        return ("numeric", None, int(m[1]), int(m[2]), None)
    if m := re.fullmatch(r"varchar\((\d+)\)", pg_type):
        return ("character varying", int(m[1]), None, None, None)
    if m := re.fullmatch(r"char\((\d+)\)", pg_type):
        return ("character", int(m[1]), None, None, None)
    if m := re.fullmatch(r"timestamp\((\d)\)", pg_type):
        return ("timestamp without time zone", None, None, None, int(m[1]))
    if m := re.fullmatch(r"timestamp\((\d)\) with time zone", pg_type):
        return ("timestamp with time zone", None, None, None, int(m[1]))
    fixed = {
        "smallint": ("smallint", None, 16, 0, None),
        "integer": ("integer", None, 32, 0, None),
        "bigint": ("bigint", None, 64, 0, None),
        "real": ("real", None, 24, None, None),
        "double precision": ("double precision", None, 53, None, None),
        "text": ("text", None, None, None, None),
        "bytea": ("bytea", None, None, None, None),
        "interval": ("interval", None, None, None, 6),
    }
    return fixed[pg_type]


@pytest.fixture(scope="module")
def applied(pg_server):
    """The sample inventory's DDL applied to a fresh database; yields (inventory, catalog rows by column)."""
    inv = load_inventory(*SAMPLE)
    db = pg_server.database("test_ddl_real_pg_sample", render_ddl(inv))
    with pg_server.connect(db) as conn:
        rows = conn.execute(
            "SELECT table_schema, table_name, column_name, data_type, character_maximum_length, numeric_precision,"
            " numeric_scale, datetime_precision, is_nullable FROM information_schema.columns"
            " WHERE table_schema IN ('app', 'hr')"
        ).fetchall()
        pks = conn.execute(
            "SELECT tc.table_schema, tc.table_name, tc.constraint_type, kcu.column_name, kcu.ordinal_position"
            " FROM information_schema.table_constraints tc JOIN information_schema.key_column_usage kcu"
            " USING (constraint_schema, constraint_name)"
            " WHERE tc.table_schema IN ('app', 'hr') ORDER BY 1, 2, 5"
        ).fetchall()
    catalog = {(r[0], r[1], r[2]): r[3:] for r in rows}
    return inv, catalog, pks


def test_every_supported_column_has_the_recommended_type(applied):
    inv, catalog, _ = applied
    checked = 0
    for table in inv.tables.values():
        for col in table.columns:
            mapping = oracle_to_postgres(col)
            key = (table.owner.lower(), table.name.lower(), col.name.lower())
            if not mapping.supported:
                continue
            assert mapping.postgres_type is not None
            *types, nullable = catalog[key]
            assert tuple(types) == expected_catalog(mapping.postgres_type), key
            assert nullable == ("YES" if col.nullable else "NO"), key
            checked += 1
    assert checked == 60
    assert len(catalog) == 60


def test_specific_columns(applied):
    _, catalog, _ = applied
    assert catalog[("app", "customers", "customer_id")] == ("bigint", None, 64, 0, None, "NO")
    assert catalog[("app", "customers", "full_name")] == ("character varying", 100, None, None, None, "NO")
    assert catalog[("app", "customers", "created_at")] == ("timestamp without time zone", None, None, None, 0, "NO")
    assert catalog[("app", "orders", "order_ts")] == ("timestamp without time zone", None, None, None, 6, "NO")
    assert catalog[("app", "orders", "discount_rate")] == ("numeric", None, 38, 10, None, "YES")
    assert catalog[("app", "orders", "estimated_value")] == ("numeric", None, 10, 0, None, "YES")
    assert catalog[("app", "documents", "doc_body")] == ("text", None, None, None, None, "YES")
    assert catalog[("hr", "departments", "limit")] == ("numeric", None, 12, 2, None, "YES")


def test_unsupported_columns_are_absent(applied):
    _, catalog, _ = applied
    for key in [("app", "addresses", "address"), ("app", "addresses", "scan"), ("app", "audit_log", "source_rowid")]:
        assert key not in catalog
    assert ("app", "addresses", "city") in catalog


def test_primary_and_unique_keys_are_created(applied):
    _, _, pks = applied
    # DMS applies changes by a unique key when there is no primary key: the DDL keeps unique keys next to the PK
    assert [r for r in pks if r[2] == "UNIQUE"] == [
        ("app", "customers", "UNIQUE", "email", 1),
        ("hr", "employees", "UNIQUE", "email", 1),
    ]
    assert [r for r in pks if r[2] == "PRIMARY KEY" and r[1] in ("customers", "job_history")] == [
        ("app", "customers", "PRIMARY KEY", "customer_id", 1),
        ("hr", "job_history", "PRIMARY KEY", "employee_id", 1),
        ("hr", "job_history", "PRIMARY KEY", "start_date", 2),
    ]
    assert {r[1] for r in pks} == {
        "customers",
        "orders",
        "documents",
        "addresses",
        "departments",
        "employees",
        "job_history",
    }


def test_ddl_text_quotes_reserved_words_and_comments_left_out_columns():
    ddl = render_ddl(load_inventory(*SAMPLE))
    assert '    "limit" numeric(12,2),\n' in ddl
    assert "-- APP.ADDRESSES.SCAN (BFILE) left out: BFILE is not migrated by DMS (arrives NULL); remedy:" in ddl
    assert (
        "-- APP.AUDIT_LOG: no primary or unique key (CDC and LOB lookups need one)\nCREATE TABLE app.audit_log (" in ddl
    )
    assert (
        "CREATE TABLE hr.job_history (\n" in ddl
        and "    CONSTRAINT jhist_emp_id_st_date_pk PRIMARY KEY (employee_id, start_date)\n);" in ddl
    )


def test_ddl_is_deterministic_and_schema_map_renames():
    inv = load_inventory(*SAMPLE)
    assert render_ddl(inv) == render_ddl(load_inventory(*SAMPLE))
    renamed = render_ddl(inv, schema_map={"app": "App Core"})
    assert 'CREATE SCHEMA IF NOT EXISTS "App Core";' in renamed
    assert 'CREATE TABLE "App Core".customers (' in renamed and "CREATE TABLE hr.employees (" in renamed


def test_ddl_number_datatype_scale_changes_unconstrained_numbers():
    ddl = render_ddl(load_inventory(*SAMPLE), number_datatype_scale=-1)
    assert "    discount_rate double precision,\n" in ddl
    assert "NumberDatatypeScale=-1" in ddl


def test_unique_key_table_gets_unique_constraint_and_long_names_get_a_short_name(pg_server):
    long_col = "DESCRIPTION_OF_THE_ITEM_AS_ENTERED_BY_THE_CUSTOMER_IN_THE_ORDER_FORM_X"  # 70 bytes
    table = Table(
        "APP",
        "ITEMS",
        1,
        1,
        False,
        has_unique_key=True,
        key_columns=["CODE"],
        columns=[
            Column("APP", "ITEMS", "CODE", "VARCHAR2", 20, None, None, False, "B", 20),
            Column("APP", "ITEMS", long_col, "VARCHAR2", 100, None, None, True, "B", 100),
            Column("APP", "ITEMS", "Mixed#Name", "NUMBER", 22, 5, 0, True, None),
        ],
    )
    ddl = render_ddl(Inventory({("APP", "ITEMS"): table}))
    short = shortened(long_col.lower(), long_col)
    assert short == long_col.lower()[:54] + "_" + short[-8:] and len(short) == 63
    assert "    CONSTRAINT items_code_key UNIQUE (code)\n" in ddl  # no Oracle name: PostgreSQL's pattern
    assert (
        f"-- APP.ITEMS.{long_col}: longer than 63 bytes: created as {short} (the forward task mappings rename it)"
        in ddl
    )
    # DMS cannot transform a column name holding #: it arrives as Oracle spells it
    assert '    "Mixed#Name" integer,\n' in ddl
    db = pg_server.database("test_ddl_real_pg_items", ddl)
    with pg_server.connect(db) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = "
                "'items' ORDER BY ordinal_position"
            )
        ]
    assert names == ["code", short, "Mixed#Name"]


def test_long_names_sharing_63_bytes_get_distinct_short_names():
    """Before: both were cut to the same 63 bytes and the DDL refused the table."""
    base = "X" * 63
    table = Table(
        "APP",
        "T",
        1,
        1,
        False,
        columns=[
            Column("APP", "T", base + "A", "NUMBER", 22, 5, 0, True, None),
            Column("APP", "T", base + "B", "NUMBER", 22, 5, 0, True, None),
        ],
    )
    names = build_name_map(Inventory({("APP", "T"): table}))
    a, b = names.column("APP", "T", base + "A"), names.column("APP", "T", base + "B")
    assert a != b and a[:55] == b[:55] == "x" * 54 + "_"
    assert names.oracle_column("APP", "T", a) == base + "A" and names.oracle_column("APP", "T", b) == base + "B"
    ddl = render_ddl(Inventory({("APP", "T"): table}))
    assert f"    {a} integer,\n    {b} integer\n" in ddl


def test_case_collisions_are_refused_naming_both():
    cols = [Column("APP", "T", "ID", "NUMBER", 22, 5, 0, True, None)]
    tables = {
        ("APP", "Customers"): Table("APP", "Customers", 1, 1, False, columns=list(cols)),
        ("APP", "CUSTOMERS"): Table("APP", "CUSTOMERS", 1, 1, False, columns=list(cols)),
    }
    with pytest.raises(
        InventoryError,
        match=r"^APP.Customers and APP.CUSTOMERS both become app.customers in PostgreSQL \(names fold to lower "
        r"case\); rename one in Oracle or leave one out$",
    ):
        render_ddl(Inventory(tables))
    only_one = render_ddl(Inventory(tables), tables=[("APP", "CUSTOMERS")])
    assert "CREATE TABLE app.customers (" in only_one and "Customers" not in only_one


def test_quote_ident_and_short_names():
    assert [quote_ident(n) for n in ("orders", "order", "user_id", "Mixed", "a b", "2fa", 'q"t')] == [
        "orders",
        '"order"',
        "user_id",
        '"Mixed"',
        '"a b"',
        '"2fa"',
        '"q""t"',
    ]
    # 80 bytes of 2-byte characters: 27 of them (54 bytes; a character is never split), _ and the hash
    short = shortened("é" * 40, "É" * 40)
    assert short.startswith("é" * 27 + "_") and len(short.encode()) == 63


def test_reserved_word_list_matches_the_server(pg_server):
    """The hard-coded list must be exactly PostgreSQL's reserved + type/function-name key words."""
    with pg_server.connect() as conn:
        words = {r[0] for r in conn.execute("SELECT word FROM pg_get_keywords() WHERE catcode IN ('R', 'T')")}
    assert words == set(PG_RESERVED_WORDS)


def test_shop_ddl_creates_exactly_the_names_of_the_name_map(pg_server):
    """The new user's schema (tests/data/shop) as its stack migrates it: mixed-case, reserved, shortened and
    verbatim names all exist in PostgreSQL under the names the task mappings rename to."""
    from migration.config.stackfile import read_stack_file
    from migration.planning.naming import stack_names
    from migration.planning.stack_inventory import load_stack_inventory, selected_tables

    stack = read_stack_file(Path(__file__).resolve().parents[1] / "data" / "shop", "shop").load()
    inv = load_stack_inventory(stack)
    names = stack_names(stack, inv)
    m = stack.config.migration
    chosen = selected_tables(stack, inv, m.include, m.exclude)
    db = pg_server.database(
        "test_ddl_real_pg_shop", render_ddl(inv, names=names, tables=[(t.owner, t.name) for t in chosen])
    )
    with pg_server.connect(db) as conn:
        rows = conn.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns"
            " WHERE table_schema IN ('shop', 'archive')"
        ).fetchall()
        unique = conn.execute(
            "SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc"
            " JOIN information_schema.key_column_usage kcu USING (constraint_schema, constraint_name)"
            " WHERE tc.constraint_type = 'UNIQUE' AND tc.table_schema = 'shop' ORDER BY 1, kcu.ordinal_position"
        ).fetchall()
    created = {tuple(r) for r in rows}
    expected = {
        (names.schema(t.owner), names.table(t.owner, t.name), names.column(t.owner, t.name, c.name))
        for t in chosen
        for c in t.columns
        if oracle_to_postgres(c).supported
    }
    assert created == expected and len(created) == 31
    assert {
        ("shop", "orderlines", "select"),
        ("shop", "staff", "EMP#"),
        ("shop", "staff", "Dept-Code"),
        ("shop", "order", "user"),
        ("shop", "notes", "text"),
    } <= created
    loyalty = names.table("SHOP", "CUSTOMER_LOYALTY_PROGRAM_MEMBERSHIP_TIER_HISTORY_SNAPSHOT_ARCHIVE_2024")
    assert unique == [(loyalty, "member_id"), (loyalty, "tier_code"), ("order", "order_no")]
