"""The SQL the runbook embeds: sequence resync both ways, exact row counts on both sides, the session check.

Sequence SQL lives with the runbook because sequence resync is a cutover step, not a prerequisite. Identifiers are
quoted by `migration.inventory.names` and literals by the prerequisites' `sql_literal`, the one way each is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from migration.docs.prereqs.shared import sql_in_list, sql_literal
from migration.docs.runbook.context import MigratedTable, RunbookContext
from migration.inventory.names import quote_oracle, quote_postgres

SESSIONS_QUERY = "SELECT username, status, COUNT(*) FROM v$session WHERE type = 'USER' GROUP BY username, status;"


def postgres_sequence_resync_sql(schemas: Sequence[str]) -> str:
    """DMS does not replicate sequences: set each one used by a column (serial, identity or a nextval default)
    so its next value is max(column)+1 over every column that uses it, or its start value for empty tables."""
    return f"""DO $$
DECLARE
  r record;
  top numeric;
BEGIN
  FOR r IN
    WITH links AS (
      SELECT d.objid AS seqid, d.refobjid AS relid, d.refobjsubid AS attnum      -- serial / identity (owned by)
      FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
      UNION
      SELECT d.refobjid, ad.adrelid, ad.adnum                                   -- DEFAULT nextval('seq')
      FROM pg_depend d JOIN pg_attrdef ad ON ad.oid = d.objid
      WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_class'::regclass
    )
    SELECT l.seqid::regclass AS seq, q.seqstart, q.seqincrement,
           string_agg(format('SELECT max(%I)::numeric AS v FROM %I.%I', a.attname, n.nspname, c.relname),
                      ' UNION ALL ' ORDER BY n.nspname, c.relname, a.attname) AS probe
    FROM links l
    JOIN pg_class s ON s.oid = l.seqid AND s.relkind = 'S'
    JOIN pg_sequence q ON q.seqrelid = s.oid
    JOIN pg_class c ON c.oid = l.relid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = l.attnum
    WHERE n.nspname IN ({sql_in_list(schemas)})
    GROUP BY l.seqid, q.seqstart, q.seqincrement
    ORDER BY l.seqid::regclass::text
  LOOP
    IF r.seqincrement < 0 THEN
      RAISE NOTICE 'skipped descending sequence %: set it by hand', r.seq;
      CONTINUE;
    END IF;
    EXECUTE 'SELECT max(v) FROM (' || r.probe || ') m' INTO top;
    PERFORM setval(r.seq, coalesce((top + 1)::bigint, r.seqstart), false);
    RAISE NOTICE '% next value %', r.seq, coalesce((top + 1)::bigint, r.seqstart);
  END LOOP;
END
$$;"""


# The take-back script: every sequence moves, or SQL*Plus exits with a failure. bump() records a sequence that
# cannot move (absent under that name, MAXVALUE reached) and goes on with the next one, so one failure does not
# stop the rest; the block then raises, and WHENEVER SQLERROR EXIT FAILURE makes that a non-zero exit (SQL*Plus
# User's Guide, WHENEVER SQLERROR). A sequence already past PostgreSQL's value is left as it is, so a second run
# after a fix moves only what is left.
_BUMP = """WHENEVER SQLERROR EXIT FAILURE
SET SERVEROUTPUT ON SIZE UNLIMITED
DECLARE
  failed PLS_INTEGER := 0;
  PROCEDURE bump(p_owner VARCHAR2, p_name VARCHAR2, p_last NUMBER) IS
    q VARCHAR2(300) := '"' || p_owner || '"."' || p_name || '"';
    v_inc NUMBER;
    v_cur NUMBER;
    v_stepped BOOLEAN := FALSE;
  BEGIN
    SELECT increment_by INTO v_inc FROM all_sequences WHERE sequence_owner = p_owner AND sequence_name = p_name;
    EXECUTE IMMEDIATE 'SELECT ' || q || '.NEXTVAL FROM dual' INTO v_cur;
    IF v_inc > 0 AND v_cur < p_last THEN
      EXECUTE IMMEDIATE 'ALTER SEQUENCE ' || q || ' INCREMENT BY ' || (p_last - v_cur);
      v_stepped := TRUE;
      EXECUTE IMMEDIATE 'SELECT ' || q || '.NEXTVAL FROM dual' INTO v_cur;
      EXECUTE IMMEDIATE 'ALTER SEQUENCE ' || q || ' INCREMENT BY ' || v_inc;
    END IF;
    DBMS_OUTPUT.PUT_LINE('moved ' || q || ': last value ' || v_cur);
  EXCEPTION WHEN OTHERS THEN
    failed := failed + 1;
    DBMS_OUTPUT.PUT_LINE('FAILED ' || q || ' (to pass ' || p_last || '): ' || SQLERRM);
    IF v_stepped THEN
      EXECUTE IMMEDIATE 'ALTER SEQUENCE ' || q || ' INCREMENT BY ' || v_inc;
    END IF;
  END;
BEGIN
"""
_BUMP_END = """  IF failed > 0 THEN
    RAISE_APPLICATION_ERROR(-20001, failed || ' sequence(s) did not move: see the FAILED lines above');
  END IF;
END;
/
EXIT"""
_NO_NAMES = "SELECT NULL::text, NULL::text, NULL::text, NULL::text WHERE false"


def _oracle_names_cte(names: Sequence[tuple[str, str, str, str]]) -> str:
    """(PostgreSQL schema, PostgreSQL name, Oracle owner, Oracle name) of each sequence the inventory knows, as a
    CTE: the Oracle names exactly as the dictionary stores them (`DocSeq` is not `DOCSEQ`)."""
    rows = ",\n    ".join("(" + ", ".join(sql_literal(v) for v in row) + ")" for row in names)
    return f"oracle_names(pg_schema, pg_name, owner, name) AS ({f'VALUES{chr(10)}    {rows}' if names else _NO_NAMES})"


def _oracle_literal(expr: str) -> str:
    """A PostgreSQL expression printing `expr` as an Oracle string literal (not format's E'' form: Oracle has none)."""
    return "'''' || replace(" + expr + ", '''', '''''') || ''''"


def oracle_sequence_resync_query(schema_map: Mapping[str, str], names: Sequence[tuple[str, str, str, str]] = ()) -> str:
    """A PostgreSQL query whose output is a SQL*Plus script moving each Oracle sequence to PostgreSQL's last value.

    Run at take-back, when PostgreSQL has stopped writing. Each sequence goes by its exact Oracle name from the
    inventory's name map (`names`: PostgreSQL schema and name, Oracle owner and name); one it does not know goes by
    its upper-cased PostgreSQL name, and fails loudly if Oracle has no such sequence. Advanced with the INCREMENT BY
    trick, which works on every Oracle version (no RESTART needed). Identity columns' own sequences are left out:
    Oracle names them ISEQ$$_n, so no such sequence exists there (the runbook moves Oracle's identities with START
    WITH LIMIT VALUE instead)."""
    cases = " ".join(f"WHEN {sql_literal(pg)} THEN {sql_literal(ora.upper())}" for pg, ora in schema_map.items())
    owner = f"coalesce(o.owner, CASE s.schemaname {cases} ELSE upper(s.schemaname) END)"
    name = "coalesce(o.name, upper(s.sequencename))"
    return f"""WITH {_oracle_names_cte(names)}
SELECT $o${_BUMP}$o$
   || coalesce(string_agg('  bump(' || {_oracle_literal(owner)} || ', ' || {_oracle_literal(name)} || ', '
                          || s.last_value || ');' || E'\\n', '' ORDER BY s.schemaname, s.sequencename), '')
   || $o${_BUMP_END}$o$
FROM pg_sequences s
LEFT JOIN oracle_names o ON o.pg_schema = s.schemaname AND o.pg_name = s.sequencename
WHERE s.schemaname IN ({sql_in_list(list(schema_map))}) AND s.last_value IS NOT NULL AND s.increment_by > 0
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = format('%I.%I', s.schemaname, s.sequencename)::regclass AND d.deptype = 'i');"""


def sequence_schema_map(ctx: RunbookContext) -> dict[str, str]:
    """{PostgreSQL schema: Oracle schema} for the sequence take-back; upper-cased PostgreSQL names when the two
    lists do not pair up."""
    if len(ctx.oracle_schemas) == len(ctx.postgres_schemas):
        return {pg: ora.upper() for pg, ora in zip(ctx.postgres_schemas, ctx.oracle_schemas, strict=True)}
    return {pg: pg.upper() for pg in ctx.postgres_schemas}


def oracle_table_label(table: MigratedTable) -> str:
    """How Oracle SQL names the table (`SHOP."OrderLines"`): the label both row-count queries give it."""
    return f"{quote_oracle(table.oracle_owner)}.{quote_oracle(table.oracle_table)}"


def postgres_table_label(table: MigratedTable) -> str:
    return f"{quote_postgres(table.postgres_schema)}.{quote_postgres(table.postgres_table)}"


def oracle_row_count_sql(tables: Sequence[MigratedTable]) -> str:
    """One Oracle query counting exactly `tables`, one line per table, in the given order (column n)."""
    rows = [
        f"SELECT 1 AS n, {sql_literal(oracle_table_label(tables[0]))} AS oracle_table, COUNT(*) AS row_count "
        f"FROM {oracle_table_label(tables[0])}"
    ]
    rows += [
        f"UNION ALL SELECT {i}, {sql_literal(oracle_table_label(t))}, COUNT(*) FROM {oracle_table_label(t)}"
        for i, t in enumerate(tables[1:], start=2)
    ]
    define = "SET DEFINE OFF\n" if any("&" in oracle_table_label(t) for t in tables) else ""  # SQL*Plus variables
    return define + "SELECT oracle_table, row_count FROM (\n" + "\n".join(rows) + "\n) ORDER BY n;"


def postgres_row_count_sql(tables: Sequence[MigratedTable]) -> str:
    """The same count on PostgreSQL, under each table's PostgreSQL name, labelled with its Oracle name and listed in
    the same order as the Oracle query, so the two outputs compare line by line."""
    first = tables[0]
    rows = [
        f"SELECT 1 AS n, {sql_literal(oracle_table_label(first))} AS oracle_table, "
        f"{sql_literal(postgres_table_label(first))} AS postgres_table, count(*) AS row_count "
        f"FROM {postgres_table_label(first)}"
    ]
    rows += [
        f"UNION ALL SELECT {i}, {sql_literal(oracle_table_label(t))}, {sql_literal(postgres_table_label(t))}, "
        f"count(*) FROM {postgres_table_label(t)}"
        for i, t in enumerate(tables[1:], start=2)
    ]
    return "SELECT oracle_table, postgres_table, row_count FROM (\n" + "\n".join(rows) + "\n) AS counted ORDER BY n;"


def _schema_row_count_sql(ctx: RunbookContext) -> tuple[str, str]:
    """(Oracle, PostgreSQL) queries counting every table of the stack's schemas: without an inventory the runbook
    does not know which tables the tasks migrate."""
    pg = (
        f"SELECT table_schema, table_name, (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c "
        f"FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text::bigint AS row_count "
        f"FROM information_schema.tables WHERE table_schema IN ({sql_in_list(ctx.postgres_schemas)}) "
        "AND table_type = 'BASE TABLE' ORDER BY 1, 2;"
    )
    ora = (
        "SELECT owner, table_name, TO_NUMBER(EXTRACTVALUE(XMLTYPE(DBMS_XMLGEN.GETXML("
        "'SELECT COUNT(*) C FROM \"' || owner || '\".\"' || table_name || '\"')), '/ROWSET/ROW/C')) AS row_count "
        f"FROM all_tables WHERE owner IN ({sql_in_list([s.upper() for s in ctx.oracle_schemas])}) "
        "AND nested = 'NO' AND temporary = 'N' ORDER BY 1, 2;"
    )
    return ora, pg


def row_count_queries(ctx: RunbookContext) -> list[str]:
    tables = ctx.migrated_tables
    if tables:
        intro = (
            f"Exact row counts on both sides of the {len(tables)} table(s) the forward tasks migrate, each under its "
            "exact name on that side. Both queries label a table with its Oracle name and list the tables in the "
            "same order, so the outputs compare line by line; every count must match:"
        )
        ora, pg = oracle_row_count_sql(tables), postgres_row_count_sql(tables)
    else:
        intro = (
            "Exact row counts on both sides (they must match table by table"
            + ("; tables named differently are listed in the appendix on names)." if ctx.renamed else ").")
            + f" This stack has no inventory, so these count every table of the schemas "
            f"{', '.join(ctx.oracle_schemas)} / {', '.join(ctx.postgres_schemas)}, including tables the tasks do "
            "not migrate (those show on one side only):"
        )
        ora, pg = _schema_row_count_sql(ctx)
    return [intro, "", "```sql", '-- Oracle (sqlplus "$ORA")', ora, '-- PostgreSQL (psql "$PG_URL")', pg, "```", ""]
