-- oracle_inventory.sql: export the Oracle inventory that `python -m migration inventory report|ddl` reads.
--
-- Writes four CSV files into the current directory: columns.csv, tables.csv, lobs.csv, keys.csv.
-- Needs SQL*Plus 12.2 or later (SET MARKUP CSV; the Instant Client sqlplus is enough). Run it as a user that can
-- read the schemas' dictionary views and DBA_SEGMENTS (the RDS master user can; otherwise grant
-- SELECT_CATALOG_ROLE), passing the schemas as one comma-separated argument:
--
--   sqlplus -S admin@//mydb.xxxx.eu-west-1.rds.amazonaws.com:1521/ORCL @oracle_inventory.sql "APP,HR"
--
-- Before running:
--   * Statistics must be fresh: NUM_ROWS comes from the optimizer statistics, and the loader refuses an empty
--     NUM_ROWS instead of guessing. Gather them first, e.g.  EXEC DBMS_STATS.GATHER_SCHEMA_STATS('APP');
--   * The LOB measurement (lobs.csv) reads every LOB value in full: run it off-peak or against a snapshot/replica.
--   * CLOB/NCLOB/XMLTYPE lengths are counted in characters by DBMS_LOB.GETLENGTH; they are multiplied by
--     clob_bytes_per_char (below) to get bytes. 4 is right for AL32UTF8 and safe for any character set, since the
--     PostgreSQL target stores UTF-8; lower it only if you know the data is ASCII.
--   * LONG and LONG RAW cannot be measured with DBMS_LOB (or LENGTH in SQL), so they get no lobs.csv row and the
--     tooling picks a conservative limited-mode size. To measure one, copy it to a LOB first:
--       CREATE TABLE scratch_long AS SELECT TO_LOB(details) AS details FROM app.audit_log;
--       SELECT MAX(DBMS_LOB.GETLENGTH(details)) * 4 FROM scratch_long;
--
-- What is left out, on purpose (DMS does not migrate it, so it would only produce noise):
--   hidden and virtual columns (add virtual columns to the PostgreSQL DDL as generated columns by hand),
--   temporary, nested, external, secondary (domain index), IOT overflow/mapping, recycle-bin and materialized-view
--   container tables, and materialized-view logs. Every query below applies the same table filter; keep the copies
--   identical, because the loader rejects a row naming a table that tables.csv does not list.
--
-- Unique keys: enabled UNIQUE constraints, plus unique indexes that back no constraint (DMS can use either);
-- function-based indexes are skipped because their columns are hidden. Disabled constraints are ignored.

WHENEVER SQLERROR EXIT SQL.SQLCODE
WHENEVER OSERROR EXIT FAILURE
SET ECHO OFF VERIFY OFF FEEDBACK OFF TERMOUT OFF
SET HEADING OFF PAGESIZE 0 LINESIZE 32767 TRIMSPOOL ON NUMWIDTH 40
SET MARKUP CSV ON DELIMITER , QUOTE ON

DEFINE schemas = "&1"
DEFINE clob_bytes_per_char = 4
-- Schema filter used below: OWNER must appear in ",APP,HR," (the argument upper-cased, blanks removed, since the
-- dictionary stores unquoted names in upper case).

-- ---------------------------------------------------------------------------------------------------- tables.csv
-- HAS_PRIMARY_KEY / HAS_UNIQUE_KEY: enabled constraints (and constraint-less unique indexes for the unique key).
-- BYTES: table and LOB segments (all partitions); 0 when no segment exists yet (deferred segment creation).
SPOOL tables.csv
PROMPT "OWNER","TABLE_NAME","NUM_ROWS","BYTES","HAS_PRIMARY_KEY","HAS_UNIQUE_KEY","PARTITIONED"
SELECT t.owner,
       t.table_name,
       TO_CHAR(t.num_rows) AS num_rows,
       TO_CHAR(NVL((SELECT SUM(s.bytes)
                      FROM dba_segments s
                     WHERE s.owner = t.owner
                       AND (   (s.segment_name = t.table_name
                                AND s.segment_type IN ('TABLE', 'TABLE PARTITION', 'TABLE SUBPARTITION'))
                            OR (s.segment_type IN ('LOBSEGMENT', 'LOB PARTITION', 'LOB SUBPARTITION')
                                AND s.segment_name IN (SELECT l.segment_name FROM all_lobs l
                                                        WHERE l.owner = t.owner AND l.table_name = t.table_name)))),
                   0)) AS bytes,
       CASE WHEN EXISTS (SELECT 1 FROM all_constraints k
                          WHERE k.owner = t.owner AND k.table_name = t.table_name
                            AND k.constraint_type = 'P' AND k.status = 'ENABLED')
            THEN 'Y' ELSE 'N' END AS has_primary_key,
       CASE WHEN EXISTS (SELECT 1 FROM all_constraints k
                          WHERE k.owner = t.owner AND k.table_name = t.table_name
                            AND k.constraint_type = 'U' AND k.status = 'ENABLED')
              OR EXISTS (SELECT 1 FROM all_indexes i
                          WHERE i.table_owner = t.owner AND i.table_name = t.table_name
                            AND i.uniqueness = 'UNIQUE' AND i.status <> 'UNUSABLE'
                            AND i.index_type NOT LIKE 'FUNCTION-BASED%'
                            AND NOT EXISTS (SELECT 1 FROM all_constraints k
                                             WHERE k.index_owner = i.owner AND k.index_name = i.index_name
                                               AND k.constraint_type IN ('P', 'U')))
            THEN 'Y' ELSE 'N' END AS has_unique_key,
       t.partitioned
  FROM all_tables t
 WHERE INSTR(',' || UPPER(REPLACE('&schemas', ' ')) || ',', ',' || t.owner || ',') > 0
   AND t.temporary = 'N' AND t.nested = 'NO' AND t.secondary = 'N' AND t.dropped = 'NO'
   AND (t.iot_type IS NULL OR t.iot_type = 'IOT')
   AND t.table_name NOT LIKE 'MLOG$\_%' ESCAPE '\' AND t.table_name NOT LIKE 'RUPD$\_%' ESCAPE '\'
   AND NOT EXISTS (SELECT 1 FROM all_mviews m WHERE m.owner = t.owner AND m.mview_name = t.table_name)
   AND NOT EXISTS (SELECT 1 FROM all_external_tables x WHERE x.owner = t.owner AND x.table_name = t.table_name)
 ORDER BY t.owner, t.table_name;
SPOOL OFF

-- --------------------------------------------------------------------------------------------------- columns.csv
-- ALL_TAB_COLUMNS values; DATA_LENGTH is in bytes, CHAR_LENGTH (extra column, used when present) is the declared
-- length in characters for CHAR semantics. User-defined types appear by name (e.g. ADDRESS_T).
SPOOL columns.csv
PROMPT "OWNER","TABLE_NAME","COLUMN_NAME","DATA_TYPE","DATA_LENGTH","DATA_PRECISION","DATA_SCALE","NULLABLE","CHAR_USED","CHAR_LENGTH"
SELECT c.owner, c.table_name, c.column_name, c.data_type, c.data_length, c.data_precision, c.data_scale,
       c.nullable, c.char_used, c.char_length
  FROM all_tab_cols c
  JOIN all_tables t ON t.owner = c.owner AND t.table_name = c.table_name
 WHERE c.hidden_column = 'NO' AND c.virtual_column = 'NO'
   AND INSTR(',' || UPPER(REPLACE('&schemas', ' ')) || ',', ',' || t.owner || ',') > 0
   AND t.temporary = 'N' AND t.nested = 'NO' AND t.secondary = 'N' AND t.dropped = 'NO'
   AND (t.iot_type IS NULL OR t.iot_type = 'IOT')
   AND t.table_name NOT LIKE 'MLOG$\_%' ESCAPE '\' AND t.table_name NOT LIKE 'RUPD$\_%' ESCAPE '\'
   AND NOT EXISTS (SELECT 1 FROM all_mviews m WHERE m.owner = t.owner AND m.mview_name = t.table_name)
   AND NOT EXISTS (SELECT 1 FROM all_external_tables x WHERE x.owner = t.owner AND x.table_name = t.table_name)
 ORDER BY c.owner, c.table_name, c.column_id;
SPOOL OFF

-- ------------------------------------------------------------------------------------------------------ keys.csv
-- P and U rows by POSITION; CONSTRAINT_NAME (extra column) separates several unique keys of one table.
SPOOL keys.csv
PROMPT "OWNER","TABLE_NAME","CONSTRAINT_TYPE","COLUMN_NAME","POSITION","CONSTRAINT_NAME"
SELECT owner, table_name, constraint_type, column_name, position, constraint_name
  FROM (SELECT k.owner, k.table_name, k.constraint_type, cc.column_name, cc.position, k.constraint_name
          FROM all_constraints k
          JOIN all_cons_columns cc
            ON cc.owner = k.owner AND cc.constraint_name = k.constraint_name AND cc.table_name = k.table_name
          JOIN all_tables t ON t.owner = k.owner AND t.table_name = k.table_name
         WHERE k.constraint_type IN ('P', 'U') AND k.status = 'ENABLED'
           AND INSTR(',' || UPPER(REPLACE('&schemas', ' ')) || ',', ',' || t.owner || ',') > 0
           AND t.temporary = 'N' AND t.nested = 'NO' AND t.secondary = 'N' AND t.dropped = 'NO'
           AND (t.iot_type IS NULL OR t.iot_type = 'IOT')
           AND t.table_name NOT LIKE 'MLOG$\_%' ESCAPE '\' AND t.table_name NOT LIKE 'RUPD$\_%' ESCAPE '\'
           AND NOT EXISTS (SELECT 1 FROM all_mviews m WHERE m.owner = t.owner AND m.mview_name = t.table_name)
           AND NOT EXISTS (SELECT 1 FROM all_external_tables x
                            WHERE x.owner = t.owner AND x.table_name = t.table_name)
        UNION ALL
        SELECT i.table_owner, i.table_name, 'U', ic.column_name, ic.column_position, i.index_name
          FROM all_indexes i
          JOIN all_ind_columns ic ON ic.index_owner = i.owner AND ic.index_name = i.index_name
          JOIN all_tables t ON t.owner = i.table_owner AND t.table_name = i.table_name
         WHERE i.uniqueness = 'UNIQUE' AND i.status <> 'UNUSABLE' AND i.index_type NOT LIKE 'FUNCTION-BASED%'
           AND NOT EXISTS (SELECT 1 FROM all_constraints k
                            WHERE k.index_owner = i.owner AND k.index_name = i.index_name
                              AND k.constraint_type IN ('P', 'U'))
           AND INSTR(',' || UPPER(REPLACE('&schemas', ' ')) || ',', ',' || t.owner || ',') > 0
           AND t.temporary = 'N' AND t.nested = 'NO' AND t.secondary = 'N' AND t.dropped = 'NO'
           AND (t.iot_type IS NULL OR t.iot_type = 'IOT')
           AND t.table_name NOT LIKE 'MLOG$\_%' ESCAPE '\' AND t.table_name NOT LIKE 'RUPD$\_%' ESCAPE '\'
           AND NOT EXISTS (SELECT 1 FROM all_mviews m WHERE m.owner = t.owner AND m.mview_name = t.table_name)
           AND NOT EXISTS (SELECT 1 FROM all_external_tables x
                            WHERE x.owner = t.owner AND x.table_name = t.table_name))
 ORDER BY owner, table_name, constraint_type, constraint_name, position;
SPOOL OFF

-- ------------------------------------------------------------------------------------------------------ lobs.csv
-- One generated SELECT MAX(DBMS_LOB.GETLENGTH(col)) per LOB column; MAX_BYTES is 0 when the column is all NULL.
-- BLOB lengths are bytes; CLOB/NCLOB/XMLTYPE lengths are characters times clob_bytes_per_char.
SET MARKUP CSV OFF
SET SERVEROUTPUT ON SIZE UNLIMITED FORMAT WRAPPED
SPOOL lobs.csv
PROMPT "OWNER","TABLE_NAME","COLUMN_NAME","MAX_BYTES"
DECLARE
    v_max  NUMBER;
    v_col  VARCHAR2(200);
    v_expr VARCHAR2(400);
BEGIN
    FOR c IN (SELECT c.owner, c.table_name, c.column_name, c.data_type
                FROM all_tab_cols c
                JOIN all_tables t ON t.owner = c.owner AND t.table_name = c.table_name
               WHERE c.data_type IN ('CLOB', 'NCLOB', 'BLOB', 'XMLTYPE')
                 AND c.hidden_column = 'NO' AND c.virtual_column = 'NO'
                 AND INSTR(',' || UPPER(REPLACE('&schemas', ' ')) || ',', ',' || t.owner || ',') > 0
                 AND t.temporary = 'N' AND t.nested = 'NO' AND t.secondary = 'N' AND t.dropped = 'NO'
                 AND (t.iot_type IS NULL OR t.iot_type = 'IOT')
                 AND t.table_name NOT LIKE 'MLOG$\_%' ESCAPE '\' AND t.table_name NOT LIKE 'RUPD$\_%' ESCAPE '\'
                 AND NOT EXISTS (SELECT 1 FROM all_mviews m WHERE m.owner = t.owner AND m.mview_name = t.table_name)
                 AND NOT EXISTS (SELECT 1 FROM all_external_tables x
                                  WHERE x.owner = t.owner AND x.table_name = t.table_name)
               ORDER BY c.owner, c.table_name, c.column_id)
    LOOP
        v_col := 'x.' || DBMS_ASSERT.ENQUOTE_NAME(c.column_name, FALSE);
        v_expr := CASE c.data_type
                      WHEN 'BLOB' THEN 'DBMS_LOB.GETLENGTH(' || v_col || ')'
                      WHEN 'XMLTYPE' THEN 'DBMS_LOB.GETLENGTH(XMLSERIALIZE(CONTENT ' || v_col || ' AS CLOB)) * '
                                          || &clob_bytes_per_char
                      ELSE 'DBMS_LOB.GETLENGTH(' || v_col || ') * ' || &clob_bytes_per_char
                  END;
        EXECUTE IMMEDIATE 'SELECT NVL(MAX(' || v_expr || '), 0) FROM '
                          || DBMS_ASSERT.ENQUOTE_NAME(c.owner, FALSE) || '.'
                          || DBMS_ASSERT.ENQUOTE_NAME(c.table_name, FALSE) || ' x'
            INTO v_max;
        DBMS_OUTPUT.PUT_LINE('"' || c.owner || '","' || c.table_name || '","' || c.column_name || '",'
                             || TO_CHAR(v_max));
    END LOOP;
END;
/
SPOOL OFF

EXIT
