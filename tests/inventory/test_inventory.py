"""Loading the exported inventory, every bad-CSV path, the LOB mode choice and the inventory CLI."""

import json
from pathlib import Path

import pytest

from migration.cli.inventory import build_report, main
from migration.inventory.load import load_inventory
from migration.inventory.lobs import LobChoice, choose_lob_mode
from migration.inventory.model import Column, InventoryError, Table

DATA = Path(__file__).resolve().parents[1] / "data" / "inventory"
SAMPLE = [str(DATA / n) for n in ("columns.csv", "tables.csv", "lobs.csv", "keys.csv")]

COLUMNS = "OWNER,TABLE_NAME,COLUMN_NAME,DATA_TYPE,DATA_LENGTH,DATA_PRECISION,DATA_SCALE,NULLABLE,CHAR_USED"
TABLES = "OWNER,TABLE_NAME,NUM_ROWS,BYTES,HAS_PRIMARY_KEY"
GOOD_COLUMNS = [COLUMNS, "APP,T1,ID,NUMBER,22,10,0,N,", "APP,T1,NAME,VARCHAR2,30,,,Y,B", "APP,T2,BODY,CLOB,4000,,,Y,"]
GOOD_TABLES = [TABLES, "APP,T1,10,8192,Y", "APP,T2,5,8192,N"]


def write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def load(tmp_path: Path, columns=GOOD_COLUMNS, tables=GOOD_TABLES, lobs=None, keys=None):
    return load_inventory(
        write(tmp_path, "columns.csv", columns),
        write(tmp_path, "tables.csv", tables),
        write(tmp_path, "lobs.csv", lobs) if lobs is not None else None,
        write(tmp_path, "keys.csv", keys) if keys is not None else None,
    )


def error_of(tmp_path: Path, **files) -> str:
    with pytest.raises(InventoryError) as exc:
        load(tmp_path, **files)
    return str(exc.value)


# ------------------------------------------------------------------------------------------------ the sample


def test_sample_loads_tables_in_file_order():
    inv = load_inventory(*SAMPLE)
    assert list(inv.tables) == [
        ("APP", "CUSTOMERS"),
        ("APP", "ORDERS"),
        ("APP", "DOCUMENTS"),
        ("APP", "ADDRESSES"),
        ("APP", "AUDIT_LOG"),
        ("HR", "DEPARTMENTS"),
        ("HR", "EMPLOYEES"),
        ("HR", "JOB_HISTORY"),
    ]
    assert inv.schemas() == ["APP", "HR"]
    assert sum(len(t.columns) for t in inv.tables.values()) == 63


def test_sample_table_attributes():
    inv = load_inventory(*SAMPLE)
    orders = inv.tables[("APP", "ORDERS")]
    assert (orders.num_rows, orders.bytes, orders.has_primary_key, orders.has_unique_key, orders.partitioned) == (
        48000000,
        10307921920,
        True,
        False,
        True,
    )
    customers = inv.tables[("APP", "CUSTOMERS")]
    assert (customers.has_primary_key, customers.has_unique_key, customers.key_columns) == (
        True,
        True,
        ("CUSTOMER_ID",),
    )
    audit = inv.tables[("APP", "AUDIT_LOG")]
    assert (audit.has_key, audit.key_columns, audit.lob_columns) == (False, (), ("DETAILS",))
    assert inv.tables[("HR", "JOB_HISTORY")].key_columns == ("EMPLOYEE_ID", "START_DATE")


def test_sample_column_values():
    inv = load_inventory(*SAMPLE)
    customers = inv.tables[("APP", "CUSTOMERS")]
    assert customers.columns[1] == Column("APP", "CUSTOMERS", "FULL_NAME", "VARCHAR2", 400, None, None, False, "C", 100)
    assert customers.columns[0] == Column("APP", "CUSTOMERS", "CUSTOMER_ID", "NUMBER", 22, 10, 0, False, None, 0)
    orders = inv.tables[("APP", "ORDERS")]
    assert [c for c in orders.columns if c.name == "ESTIMATED_VALUE"][0].data_scale == -3


def test_sample_lobs():
    inv = load_inventory(*SAMPLE)
    docs = inv.tables[("APP", "DOCUMENTS")]
    assert docs.lob_columns == ("DOC_BODY", "DOC_PDF", "METADATA")
    assert docs.lob_max_bytes == {"DOC_BODY": 2097152, "DOC_PDF": 5242880, "METADATA": 12288}
    assert inv.tables[("APP", "CUSTOMERS")].lob_columns == ()


def test_side_files_are_optional():
    inv = load_inventory(SAMPLE[0], SAMPLE[1])
    docs = inv.tables[("APP", "DOCUMENTS")]
    assert (docs.lob_max_bytes, docs.key_columns) == ({}, ())


def test_headers_are_case_insensitive_and_in_any_order_with_extra_columns(tmp_path):
    inv = load(
        tmp_path,
        tables=["has_primary_key,Bytes,table_name,owner,num_rows,comments", "Y,8192,T1,APP,10,x", "N,8192,T2,APP,5,y"],
    )
    assert (inv.tables[("APP", "T1")].bytes, inv.tables[("APP", "T2")].has_primary_key) == (8192, False)


def test_yes_no_accepts_long_forms(tmp_path):
    inv = load(tmp_path, tables=[TABLES + ",PARTITIONED", "APP,T1,10,8192,YES,YES", "APP,T2,5,8192,no,NO"])
    assert (inv.tables[("APP", "T1")].partitioned, inv.tables[("APP", "T1")].has_primary_key) == (True, True)
    assert inv.tables[("APP", "T2")].partitioned is False


def test_key_columns_follow_position_not_file_order(tmp_path):
    columns = [COLUMNS, "APP,T1,A,NUMBER,22,10,0,N,", "APP,T1,B,NUMBER,22,10,0,N,", "APP,T2,BODY,CLOB,4000,,,Y,"]
    inv = load(
        tmp_path,
        columns=columns,
        keys=["OWNER,TABLE_NAME,CONSTRAINT_TYPE,COLUMN_NAME,POSITION", "APP,T1,P,B,2", "APP,T1,P,A,1"],
    )
    assert inv.tables[("APP", "T1")].key_columns == ("A", "B")


def test_unique_key_used_when_there_is_no_primary_key(tmp_path):
    keys = [
        "OWNER,TABLE_NAME,CONSTRAINT_TYPE,COLUMN_NAME,POSITION,CONSTRAINT_NAME",
        "APP,T1,P,ID,1,T1_PK",
        "APP,T2,U,BODY,1,T2_UK",
    ]
    inv = load(tmp_path, keys=keys)
    t2 = inv.tables[("APP", "T2")]
    assert (t2.has_primary_key, t2.has_unique_key, t2.has_key, t2.key_columns) == (False, True, True, ("BODY",))


def test_first_unique_constraint_wins(tmp_path):
    columns = [COLUMNS, "APP,T1,ID,NUMBER,22,10,0,N,", "APP,T2,A,NUMBER,22,10,0,N,", "APP,T2,B,NUMBER,22,10,0,N,"]
    keys = [
        "OWNER,TABLE_NAME,CONSTRAINT_TYPE,COLUMN_NAME,POSITION,CONSTRAINT_NAME",
        "APP,T1,P,ID,1,T1_PK",
        "APP,T2,U,B,1,T2_B_UK",
        "APP,T2,U,A,1,T2_A_UK",
    ]
    assert load(tmp_path, columns=columns, keys=keys).tables[("APP", "T2")].key_columns == ("B",)


def test_every_unique_constraint_is_kept_next_to_the_primary_key(tmp_path):
    columns = [COLUMNS, *(f"APP,T1,{c},NUMBER,22,10,0,N," for c in "ABCD"), "APP,T2,BODY,CLOB,4000,,,Y,"]
    keys = [
        "OWNER,TABLE_NAME,CONSTRAINT_TYPE,COLUMN_NAME,POSITION,CONSTRAINT_NAME",
        "APP,T1,P,A,1,T1_PK",
        "APP,T1,U,C,2,T1_BC_UK",
        "APP,T1,U,B,1,T1_BC_UK",
        "APP,T1,U,D,1,T1_D_UK",
    ]
    t1 = load(tmp_path, columns=columns, keys=keys).tables[("APP", "T1")]
    assert (t1.key_columns, t1.unique_keys) == (("A",), (("B", "C"), ("D",)))


def test_unique_key_position_gap(tmp_path):
    keys = [
        "OWNER,TABLE_NAME,CONSTRAINT_TYPE,COLUMN_NAME,POSITION,CONSTRAINT_NAME",
        "APP,T1,P,ID,1,T1_PK",
        "APP,T1,U,NAME,2,T1_UK",
    ]
    assert error_of(tmp_path, keys=keys) == "keys.csv line 3: POSITION: APP.T1 key positions [2] are not 1..1"


# ------------------------------------------------------------------------------------------------ bad input


def test_missing_header_column(tmp_path):
    assert error_of(tmp_path, columns=[COLUMNS.replace(",DATA_SCALE", "")]) == (
        "columns.csv line 1: header: missing DATA_SCALE; required columns are OWNER,TABLE_NAME,COLUMN_NAME,DATA_TYPE,"
        "DATA_LENGTH,DATA_PRECISION,DATA_SCALE,NULLABLE,CHAR_USED"
    )


def test_empty_file(tmp_path):
    assert error_of(tmp_path, tables=[]).startswith("tables.csv line 1: header: the file is empty; expected OWNER,")


def test_bad_number(tmp_path):
    bad = GOOD_COLUMNS[:2] + ["APP,T1,NAME,VARCHAR2,30,,x,Y,B"] + GOOD_COLUMNS[3:]
    assert error_of(tmp_path, columns=bad) == "columns.csv line 3: DATA_SCALE: expected a whole number, got 'x'"


def test_negative_length(tmp_path):
    bad = GOOD_COLUMNS[:2] + ["APP,T1,NAME,VARCHAR2,-1,,,Y,B"] + GOOD_COLUMNS[3:]
    assert error_of(tmp_path, columns=bad) == "columns.csv line 3: DATA_LENGTH: expected a whole number >= 0, got '-1'"


def test_fractional_row_count(tmp_path):
    bad = [TABLES, "APP,T1,10.5,8192,Y", "APP,T2,5,8192,N"]
    assert error_of(tmp_path, tables=bad) == "tables.csv line 2: NUM_ROWS: expected a whole number, got '10.5'"


def test_missing_row_count_says_to_gather_statistics(tmp_path):
    bad = [TABLES, "APP,T1,,8192,Y", "APP,T2,5,8192,N"]
    assert error_of(tmp_path, tables=bad) == (
        "tables.csv line 2: NUM_ROWS: expected a whole number, got an empty "
        "value (statistics missing? run DBMS_STATS.GATHER_SCHEMA_STATS)"
    )


def test_bad_yes_no_in_tables(tmp_path):
    bad = [TABLES, "APP,T1,10,8192,maybe", "APP,T2,5,8192,N"]
    assert error_of(tmp_path, tables=bad) == "tables.csv line 2: HAS_PRIMARY_KEY: expected Y or N, got 'maybe'"


def test_bad_yes_no_in_columns(tmp_path):
    bad = GOOD_COLUMNS[:3] + ["APP,T2,BODY,CLOB,4000,,,?,"]
    assert error_of(tmp_path, columns=bad) == "columns.csv line 4: NULLABLE: expected Y or N, got '?'"


def test_bad_char_used(tmp_path):
    bad = GOOD_COLUMNS[:2] + ["APP,T1,NAME,VARCHAR2,30,,,Y,X"] + GOOD_COLUMNS[3:]
    assert error_of(tmp_path, columns=bad) == "columns.csv line 3: CHAR_USED: expected B, C or empty, got 'X'"


def test_character_type_without_length(tmp_path):
    bad = GOOD_COLUMNS[:2] + ["APP,T1,NAME,VARCHAR2,,,,Y,B"] + GOOD_COLUMNS[3:]
    assert (
        error_of(tmp_path, columns=bad) == "columns.csv line 3: DATA_LENGTH: required for VARCHAR2, got an empty value"
    )


def test_short_row(tmp_path):
    bad = GOOD_COLUMNS[:2] + ["APP,T1,NAME"] + GOOD_COLUMNS[3:]
    assert error_of(tmp_path, columns=bad) == "columns.csv line 3: expected at least 9 fields, got 3"


def test_duplicate_table(tmp_path):
    bad = GOOD_TABLES + ["APP,T1,11,8192,Y"]
    assert error_of(tmp_path, tables=bad) == "tables.csv line 4: TABLE_NAME: duplicate table APP.T1 (first on line 2)"


def test_duplicate_column(tmp_path):
    bad = GOOD_COLUMNS + ["APP,T1,ID,NUMBER,22,10,0,N,"]
    assert error_of(tmp_path, columns=bad) == "columns.csv line 5: COLUMN_NAME: duplicate column APP.T1.ID"


def test_a_table_listed_in_two_places_gets_all_its_columns(tmp_path):
    columns = GOOD_COLUMNS + ["APP,T1,NOTE,CLOB,4000,,,Y,", " APP , T1 ,CODE,VARCHAR2,30,,,Y,B"]
    t1 = load(tmp_path, columns=columns).tables[("APP", "T1")]
    assert [c.name for c in t1.columns] == ["ID", "NAME", "NOTE", "CODE"]
    assert t1.lob_columns == ("NOTE",)
    code = t1.columns[3]
    assert (code.owner, code.table, code.data_type, code.data_length, code.char_used) == (
        "APP",
        "T1",
        "VARCHAR2",
        30,
        "B",
    )
    assert code.data_type is t1.columns[1].data_type  # one string per distinct type, shared


def test_column_of_unknown_table(tmp_path):
    bad = GOOD_COLUMNS + ["APP,NOPE,ID,NUMBER,22,10,0,N,"]
    assert error_of(tmp_path, columns=bad) == "columns.csv line 5: TABLE_NAME: APP.NOPE is not in tables.csv"


def test_table_without_columns(tmp_path):
    assert error_of(tmp_path, tables=GOOD_TABLES + ["HR,EMPTY,0,0,N"]) == (
        "columns.csv: no columns for HR.EMPTY (listed on tables.csv line 4)"
    )


def test_lob_row_of_unknown_table(tmp_path):
    lobs = ["OWNER,TABLE_NAME,COLUMN_NAME,MAX_BYTES", "APP,NOPE,BODY,100"]
    assert error_of(tmp_path, lobs=lobs) == "lobs.csv line 2: TABLE_NAME: APP.NOPE is not in tables.csv"


def test_lob_row_of_unknown_column(tmp_path):
    lobs = ["OWNER,TABLE_NAME,COLUMN_NAME,MAX_BYTES", "APP,T2,BODY,100", "APP,T2,NOPE,100"]
    assert error_of(tmp_path, lobs=lobs) == "lobs.csv line 3: COLUMN_NAME: APP.T2.NOPE is not in columns.csv"


def test_lob_bad_size(tmp_path):
    lobs = ["OWNER,TABLE_NAME,COLUMN_NAME,MAX_BYTES", "APP,T2,BODY,1.5MB"]
    assert error_of(tmp_path, lobs=lobs) == "lobs.csv line 2: MAX_BYTES: expected a whole number, got '1.5MB'"


def test_key_row_of_unknown_table(tmp_path):
    keys = ["OWNER,TABLE_NAME,CONSTRAINT_TYPE,COLUMN_NAME,POSITION", "APP,T1,P,ID,1", "APP,NOPE,P,ID,1"]
    assert error_of(tmp_path, keys=keys) == "keys.csv line 3: TABLE_NAME: APP.NOPE is not in tables.csv"


def test_key_row_of_unknown_column(tmp_path):
    keys = ["OWNER,TABLE_NAME,CONSTRAINT_TYPE,COLUMN_NAME,POSITION", "APP,T1,P,NOPE,1"]
    assert error_of(tmp_path, keys=keys) == "keys.csv line 2: COLUMN_NAME: APP.T1.NOPE is not in columns.csv"


def test_key_bad_constraint_type(tmp_path):
    keys = ["OWNER,TABLE_NAME,CONSTRAINT_TYPE,COLUMN_NAME,POSITION", "APP,T1,R,ID,1"]
    assert error_of(tmp_path, keys=keys) == "keys.csv line 2: CONSTRAINT_TYPE: expected P or U, got 'R'"


def test_primary_key_row_contradicting_tables_file(tmp_path):
    keys = ["OWNER,TABLE_NAME,CONSTRAINT_TYPE,COLUMN_NAME,POSITION", "APP,T1,P,ID,1", "APP,T2,P,BODY,1"]
    assert error_of(tmp_path, keys=keys) == (
        "keys.csv line 3: CONSTRAINT_TYPE: APP.T2 has a P row but tables.csv says HAS_PRIMARY_KEY=N"
    )


def test_primary_key_table_without_key_rows(tmp_path):
    keys = ["OWNER,TABLE_NAME,CONSTRAINT_TYPE,COLUMN_NAME,POSITION"]
    assert error_of(tmp_path, keys=keys) == (
        "keys.csv: APP.T1: tables.csv says HAS_PRIMARY_KEY=Y but there are no P rows for it"
    )


def test_key_position_gap(tmp_path):
    keys = ["OWNER,TABLE_NAME,CONSTRAINT_TYPE,COLUMN_NAME,POSITION", "APP,T1,P,ID,1", "APP,T1,P,NAME,3"]
    assert error_of(tmp_path, keys=keys) == "keys.csv line 2: POSITION: APP.T1 key positions [1, 3] are not 1..2"


def test_two_unique_keys_without_constraint_name(tmp_path):
    keys = [
        "OWNER,TABLE_NAME,CONSTRAINT_TYPE,COLUMN_NAME,POSITION",
        "APP,T1,P,ID,1",
        "APP,T1,U,ID,1",
        "APP,T1,U,NAME,1",
    ]
    assert error_of(tmp_path, keys=keys) == (
        "keys.csv line 4: POSITION: APP.T1 unique key has position 1 twice (several unique constraints? export "
        "CONSTRAINT_NAME too)"
    )


def test_missing_file(tmp_path):
    with pytest.raises(InventoryError, match=r"^lobs.csv: file not found: .*lobs.csv$"):
        load_inventory(
            write(tmp_path, "columns.csv", GOOD_COLUMNS),
            write(tmp_path, "tables.csv", GOOD_TABLES),
            tmp_path / "lobs.csv",
        )


# ------------------------------------------------------------------------------------------------ LOB mode


def lob_table(*cols: tuple[str, str], measured: dict[str, int] | None = None, pk: bool = True) -> Table:
    columns = [Column("APP", "T", "ID", "NUMBER", 22, 10, 0, False, None)]
    columns += [Column("APP", "T", name, dt, 4000, None, None, True, None) for name, dt in cols]
    return Table("APP", "T", 10, 8192, pk, columns=columns, lob_max_bytes=measured or {})


def test_no_lob_columns_means_no_choice():
    assert choose_lob_mode(lob_table()) is None


def test_a_character_lob_gets_one_margin_its_four_bytes_per_character():
    # Was 6144 KB: 3x on a size the export already counts at 4 bytes per character (issue 22)
    choice = choose_lob_mode(lob_table(("DOC_BODY", "CLOB"), measured={"DOC_BODY": 2 * 1024 * 1024}))
    assert choice == LobChoice("limited", 2048, "largest LOB 2.0 MB in DOC_BODY -> limited, bulk-max-size 2048 KB")


def test_a_38_mb_xmltype_fits_limited_mode():
    choice = choose_lob_mode(lob_table(("DOC", "XMLTYPE"), measured={"DOC": 38 * 1024 * 1024}))
    assert choice is not None and (choice.mode, choice.bulk_max_size_kb, choice.truncates) == ("limited", 38912, False)


def test_an_unmeasured_long_raw_uses_the_exports_average_row():
    table = lob_table(("IMG", "LONG RAW"))
    table.num_rows, table.bytes = 611_000, 41 * 1024**3  # ~70 KB a row
    choice = choose_lob_mode(table)
    assert choice is not None and choice.bulk_max_size_kb == 3 * 71
    assert "3x the table's average row of 71 KB (BYTES / NUM_ROWS of the export)" in choice.basis


def test_measured_tiny_lob_gets_the_default_minimum():
    choice = choose_lob_mode(lob_table(("NOTE", "CLOB"), measured={"NOTE": 1000}))
    assert choice == LobChoice("limited", 64, "largest LOB 1000 bytes in NOTE -> limited, bulk-max-size 64 KB")


def test_three_times_is_rounded_up_to_whole_kb():
    choice = choose_lob_mode(lob_table(("B", "BLOB"), measured={"B": 100_001}))
    assert choice is not None and choice.bulk_max_size_kb == 293  # 300003 / 1024 = 292.97


def test_largest_of_several_columns_decides():
    choice = choose_lob_mode(lob_table(("A", "CLOB"), ("B", "BLOB"), measured={"A": 1024 * 1024, "B": 5 * 1024**2}))
    assert choice == LobChoice("limited", 15360, "largest LOB 5.0 MB in B -> limited, bulk-max-size 15360 KB")


def test_measured_large_lob_is_unlimited():
    choice = choose_lob_mode(lob_table(("PDF", "BLOB"), measured={"PDF": 50 * 1024 * 1024}))
    assert choice == LobChoice(
        "unlimited",
        0,
        "largest LOB 50.0 MB in PDF: 3x is 153600 KB, above the 102400 KB "
        "limited-mode cap -> unlimited (full LOB mode)",
    )


def test_custom_cap_and_default():
    choice = choose_lob_mode(
        lob_table(("PDF", "BLOB"), measured={"PDF": 10 * 1024}), default_limited_kb=128, max_limited_kb=100
    )
    assert choice is not None and (choice.mode, choice.bulk_max_size_kb) == ("unlimited", 0)


def test_large_limited_only_column_is_capped_with_truncation_warning():
    choice = choose_lob_mode(lob_table(("DETAILS", "LONG RAW"), measured={"DETAILS": 50 * 1024 * 1024}))
    assert choice == LobChoice(
        "limited",
        102400,
        "largest LOB 50.0 MB in DETAILS: 3x is 153600 KB, above the 102400 KB cap, but DETAILS "
        "cannot move in full LOB mode -> limited at 102400 KB",
        "LOBs above 34133 KB will be truncated",
        truncates=True,
    )
    assert choice.reason == (
        "largest LOB 50.0 MB in DETAILS: 3x is 153600 KB, above the 102400 KB cap, but DETAILS "
        "cannot move in full LOB mode -> limited at 102400 KB; WARNING: LOBs above 34133 KB will "
        "be truncated"
    )


def test_truncation_warning_comes_before_the_unmeasured_columns():
    table = lob_table(("DETAILS", "LONG RAW"), ("NOTE", "CLOB"), measured={"DETAILS": 50 * 1024 * 1024})
    choice = choose_lob_mode(table)
    assert choice is not None and choice.truncates
    assert (choice.warning, choice.unmeasured) == ("LOBs above 34133 KB will be truncated", ("NOTE",))
    assert choice.reason == (f"{choice.basis}; WARNING: LOBs above 34133 KB will be truncated; not measured: NOTE")


def test_a_task_with_a_lob_that_cannot_move_whole_is_refused():
    """With failTasksOnLobTruncation the task would stop at the first such LOB: refused before anything runs."""
    from migration.config import ConfigError
    from migration.config.stackfile import read_stack_file
    from migration.planning.table_rules import table_rules
    from tests.helpers import ROOT

    table = lob_table(("DETAILS", "LONG RAW"), measured={"DETAILS": 50 * 1024 * 1024})
    with pytest.raises(ConfigError, match=r"^oracle2pg:inventory: APP.T cannot move whole: largest LOB 50.0 MB"):
        table_rules(read_stack_file(ROOT, "prod").load(), [table])


def test_unmeasured_is_limited_at_the_default():
    choice = choose_lob_mode(lob_table(("DETAILS", "LONG")))
    assert choice is not None and (choice.mode, choice.bulk_max_size_kb) == ("limited", 64)
    assert choice.reason.startswith("not measured: measure with the SQL in oracle_inventory.sql")


def test_partly_measured_names_the_rest():
    choice = choose_lob_mode(lob_table(("A", "BLOB"), ("B", "XMLTYPE"), measured={"A": 2 * 1024 * 1024}))
    assert choice == LobChoice(
        "limited", 6144, "largest LOB 2.0 MB in A -> limited, bulk-max-size 6144 KB", unmeasured=("B",)
    )
    assert choice.warning is None
    assert choice.reason == "largest LOB 2.0 MB in A -> limited, bulk-max-size 6144 KB; not measured: B"


def test_geometry_needs_full_lob_mode():
    choice = choose_lob_mode(lob_table(("SHAPE", "SDO_GEOMETRY"), measured={"SHAPE": 100}))
    assert choice == LobChoice("unlimited", 0, "SDO_GEOMETRY in SHAPE needs full LOB mode -> unlimited")
    assert choice.warning is None and choice.reason == choice.basis


def test_geometry_with_limited_only_column_warns():
    choice = choose_lob_mode(lob_table(("SHAPE", "SDO_GEOMETRY"), ("X", "LONG")))
    assert choice is not None and choice.mode == "unlimited" and not choice.truncates
    assert choice.basis == "SDO_GEOMETRY in SHAPE needs full LOB mode -> unlimited"
    assert choice.warning == "X cannot move in full LOB mode: split them into a separate table or exclude them"
    assert choice.reason == (
        "SDO_GEOMETRY in SHAPE needs full LOB mode -> unlimited; "
        "WARNING: X cannot move in full LOB mode: split them into a separate table or exclude them"
    )


# ------------------------------------------------------------------------------------------------ report + CLI


def test_build_report_columns_and_tables():
    report = build_report(load_inventory(*SAMPLE))
    assert len(report["columns"]) == 63
    assert report["columns"][0] == {
        "owner": "APP",
        "table": "CUSTOMERS",
        "column": "CUSTOMER_ID",
        "postgres_column": "customer_id",
        "oracle_type": "NUMBER(10)",
        "postgres_type": "bigint",
        "dms_type": "numeric(10,0)",
        "recommended_type": "bigint",
        "supported": True,
        "note": "DMS would create numeric(10,0); bigint is faster and exact for 10 digits "
        "(pre-create it or add a change-data-type int8 rule)",
    }
    tables = {t["table"]: t for t in report["tables"]}
    assert tables["DOCUMENTS"] == {
        "owner": "APP",
        "table": "DOCUMENTS",
        "rows": 85000,
        "bytes": 12884901888,
        "has_key": True,
        "partitioned": False,
        "lob_mode": "limited",
        "lob_bulk_max_size_kb": 15360,
        "lob_reason": "largest LOB 5.0 MB in DOC_PDF -> limited, bulk-max-size 15360 KB",
        "problems": [],
        "postgres_table": "app.documents",
    }
    assert tables["AUDIT_LOG"]["problems"] == [
        "no primary or unique key: CDC cannot apply updates/deletes by key, validation and batch apply need one",
        "column SOURCE_ROWID (ROWID) is not migrated",
        "LOB columns without a primary or unique key: DMS cannot look them up during CDC",
    ]
    assert tables["ADDRESSES"]["problems"] == [
        "column ADDRESS (ADDRESS_T) is not migrated",
        "column SCAN (BFILE) is not migrated",
    ]
    assert tables["DEPARTMENTS"]["problems"] == ["column LIMIT is a PostgreSQL reserved word: it must be quoted"]
    assert (tables["CUSTOMERS"]["lob_mode"], tables["CUSTOMERS"]["lob_bulk_max_size_kb"]) == (None, None)


def test_build_report_follows_number_datatype_scale():
    report = build_report(load_inventory(*SAMPLE), number_datatype_scale=-1)
    discount = [c for c in report["columns"] if c["column"] == "DISCOUNT_RATE"][0]
    assert (discount["oracle_type"], discount["postgres_type"]) == ("NUMBER", "double precision")


def test_report_flags_long_identifiers_and_geometry_without_unique_key():
    long_name = "C" * 64
    table = Table(
        "APP",
        "GEO",
        1,
        1,
        True,
        columns=[
            Column("APP", "GEO", "ID", "NUMBER", 22, 10, 0, False, None),
            Column("APP", "GEO", long_name, "NUMBER", 22, 5, 0, True, None),
            Column("APP", "GEO", "SHAPE", "SDO_GEOMETRY", 1, None, None, True, None),
        ],
    )
    from migration.inventory.model import Inventory

    report = build_report(Inventory({("APP", "GEO"): table}))
    short = report["columns"][1]["postgres_column"]
    assert short == "c" * 54 + "_" + short[-8:]
    assert report["tables"][0]["problems"] == [
        f"column {long_name} is longer than 63 bytes: named {short} in PostgreSQL, renamed both ways",
        f"column {long_name} is longer than 30 bytes: DMS documents such Oracle names as unsupported",
        "SDO_GEOMETRY needs a primary key and a unique key, else DMS skips the table",
    ]
    assert report["tables"][0]["lob_mode"] == "unlimited"


def cli(*args: str) -> int:
    return main(list(args))


def sample_args(command: str) -> list[str]:
    args = [command, "--columns", SAMPLE[0], "--tables", SAMPLE[1], "--keys", SAMPLE[3]]
    return args + (["--lobs", SAMPLE[2]] if command == "report" else [])


def test_cli_report_text(capsys):
    assert cli(*sample_args("report")) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "APP.CUSTOMERS  (1250000 rows, 188743680 bytes, key)"
    assert "  FULL_NAME     VARCHAR2(100 CHAR)                 -> varchar(100)" in lines
    assert "APP.AUDIT_LOG  (3200000 rows, 2147483648 bytes, NO KEY)" in lines
    assert (
        "  ! no primary or unique key: CDC cannot apply updates/deletes by key, validation and batch apply need "
        "one" in lines
    )
    tail = out[out.index("== Unsupported columns") :].splitlines()
    assert tail[0] == "== Unsupported columns (3)"
    assert tail[1].startswith("  APP.ADDRESSES.ADDRESS (ADDRESS_T): ADDRESS_T is not a built-in type")
    assert "== LOB tables (2)" in tail
    assert "  APP.DOCUMENTS: largest LOB 5.0 MB in DOC_PDF -> limited, bulk-max-size 15360 KB" in tail
    assert tail[tail.index("== Tables without a primary or unique key (1)") + 1] == "  APP.AUDIT_LOG"
    assert tail[-2:] == [
        "== Identifier problems (1)",
        "  HR.DEPARTMENTS: column LIMIT is a PostgreSQL reserved word: it must be quoted",
    ]


def test_cli_report_json(capsys):
    assert cli(*sample_args("report"), "--format", "json", "--number-datatype-scale", "0") == 0
    report = json.loads(capsys.readouterr().out)
    assert report == build_report(load_inventory(*SAMPLE), number_datatype_scale=0)
    assert [c["postgres_type"] for c in report["columns"] if c["column"] == "DISCOUNT_RATE"] == ["numeric(38,0)"]


def test_cli_ddl_to_stdout_and_file(capsys, tmp_path):
    assert cli(*sample_args("ddl"), "--schema-map", "APP=app_new") == 0
    out = capsys.readouterr().out
    assert "CREATE SCHEMA IF NOT EXISTS app_new;" in out and "CREATE TABLE app_new.customers (" in out
    target = tmp_path / "schema.sql"
    assert cli(*sample_args("ddl"), "--output", str(target)) == 0
    assert capsys.readouterr().out == ""
    assert target.read_text().startswith("-- PostgreSQL DDL generated from the Oracle inventory")


def test_cli_bad_inventory_exits_2_with_one_line(capsys, tmp_path):
    bad = write(tmp_path, "tables.csv", [TABLES, "APP,T1,x,8192,Y"])
    assert cli("report", "--columns", SAMPLE[0], "--tables", str(bad)) == 2
    captured = capsys.readouterr()
    assert captured.err == "error: tables.csv line 2: NUM_ROWS: expected a whole number, got 'x'\n"
    assert captured.out == ""


def test_cli_missing_file_exits_2(capsys, tmp_path):
    assert cli("ddl", "--columns", str(tmp_path / "nope.csv"), "--tables", SAMPLE[1]) == 2
    assert capsys.readouterr().err == f"error: nope.csv: file not found: {tmp_path / 'nope.csv'}\n"


def test_cli_unknown_schema_in_map_exits_2(capsys):
    assert cli(*sample_args("ddl"), "--schema-map", "SALES=sales") == 2
    assert capsys.readouterr().err == "error: schema_map: SALES not in the inventory; known schemas: APP, HR\n"


@pytest.mark.parametrize(
    "args, message",
    [
        (["ddl", "--columns", "c", "--tables", "t", "--schema-map", "APP"], "expected ORACLE_SCHEMA=postgres_schema"),
        (["report", "--columns", "c", "--tables", "t", "--number-datatype-scale", "40"], "expected -2..38"),
        (["report", "--columns", "c"], "--tables required (or --stack to read them from a stack)"),
        (["report", "--stack", "prod", "--tables", "t"], "--stack reads the inventory, renames and "),
        (["explode"], "invalid choice: 'explode'"),
    ],
)
def test_cli_bad_arguments_exit_2(capsys, args, message):
    assert cli(*args) == 2
    assert message in capsys.readouterr().err


SHOP = Path(__file__).resolve().parents[1] / "data" / "shop"
SHOP_FILES = [str(SHOP / n) for n in ("columns.csv", "tables.csv", "lobs.csv", "keys.csv")]


def test_report_and_ddl_refuse_a_case_collision_naming_both(capsys):
    for command in ("report", "ddl"):
        assert cli(command, "--columns", SHOP_FILES[0], "--tables", SHOP_FILES[1], "--keys", SHOP_FILES[3]) == 2
        captured = capsys.readouterr()
        assert captured.err == (
            "error: SHOP.CUSTOMERS and SHOP.Customers both become shop.customers in PostgreSQL (names fold to lower "
            "case); rename one in Oracle or leave one out\n"
        )
        assert captured.out == ""


def test_report_reads_a_stack_and_gives_each_column_its_names_and_types(capsys):
    from migration.cli.main import main as top_main

    assert top_main(["--root", str(SHOP), "inventory", "report", "--stack", "shop", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    tables = {t["table"]: t for t in report["tables"]}
    assert "CUSTOMERS" not in tables and "LEGACY_CODES" not in tables  # the stack excludes them
    assert tables["OrderLines"]["postgres_table"] == "shop.orderlines"
    assert tables["OrderLines"]["problems"][0] == (
        "table OrderLines is not plain upper case: named orderlines in PostgreSQL, renamed both ways"
    )
    columns = {(c["table"], c["column"]): c for c in report["columns"]}
    order_id = columns[("OrderLines", "ORDER_ID")]
    assert (order_id["dms_type"], order_id["recommended_type"], order_id["postgres_type"]) == (
        "numeric(12,0)",
        "bigint",
        "bigint",
    )
    assert columns[("OrderLines", "select")]["postgres_column"] == "select"
    assert columns[("STAFF", "Dept-Code")]["postgres_column"] == "Dept-Code"
    long_column = "MEMBERSHIP_TIER_UPGRADE_REASON_AS_ENTERED_BY_THE_CUSTOMER_SERVICE_AGENT"
    loyalty = "CUSTOMER_LOYALTY_PROGRAM_MEMBERSHIP_TIER_HISTORY_SNAPSHOT_ARCHIVE_2024"
    assert len(columns[(loyalty, long_column)]["postgres_column"]) == 63


def test_ddl_reads_a_stack(capsys, tmp_path):
    target = tmp_path / "shop.sql"
    assert cli("ddl", "--stack", "shop", "--root", str(SHOP), "--output", str(target)) == 0
    ddl = target.read_text()
    assert "CREATE TABLE shop.orderlines (" in ddl and 'CREATE TABLE shop."order" (' in ddl
    assert "    CONSTRAINT order_no_uk UNIQUE (order_no)\n" in ddl  # the unique key next to the primary key
    assert "CREATE TABLE shop.legacy_codes" not in ddl  # excluded by the stack
    assert "-- SHOP.STAFF.BADGE (BFILE) left out:" in ddl
    assert cli("ddl", "--stack", "shop", "--root", str(SHOP), "--schema-map", "SHOP=x") == 2
    assert capsys.readouterr().err.startswith("error: --stack reads the inventory, renames and NumberDatatypeScale")
