-- oracle_inventory.sql: export the Oracle inventory that `python -m migration inventory report|ddl` reads.
--
-- Writes CSV files into the current directory: columns.csv, tables.csv, lobs.csv, keys.csv (the tables DMS moves)
-- and the schema objects DMS does not move (DMS User Guide, "Best practices: Migration planning"): sequences.csv,
-- identity.csv, defaults.csv (column defaults and virtual columns), indexes.csv, foreign_keys.csv, checks.csv,
-- triggers.csv, partitions.csv, partition_bounds.csv. `inventory ddl --part before-load|after-load|cutover` turns
-- them into PostgreSQL DDL; an older export without them still loads (the plan names what is missing).
-- Needs SQL*Plus 12.2 or later (SET MARKUP CSV; the Instant Client sqlplus is enough). Run it as a user that can
-- read the schemas' dictionary views and DBA_SEGMENTS (the RDS master user can; otherwise grant
-- SELECT_CATALOG_ROLE), passing the schemas as one comma-separated argument:
--
--   NLS_LANG=AMERICAN_AMERICA.AL32UTF8 sqlplus -S admin@//mydb.xxxx.eu-west-1.rds.amazonaws.com:1521/ORCL \
--       @oracle_inventory.sql "APP,HR"
--
-- Character set: the files are read as UTF-8, so the client must convert to AL32UTF8. SQL*Plus takes its client
-- character set from NLS_LANG before it connects, so this script cannot set it: set it on the command line as above
-- (Windows: `set NLS_LANG=AMERICAN_AMERICA.AL32UTF8` first). Under a US7ASCII or WE8 client, "Témoin" arrives as
-- "T?moin" in the CSV and the loader cannot tell. The script sets the session's number format itself (below).
--
-- At the write freeze, run the sequences.csv query again (the section "sequences.csv" below, alone) and point
-- `inventory.sequences` at that file before `inventory ddl --part cutover`: the cutover part moves every
-- PostgreSQL sequence and identity past the values Oracle handed out until the freeze.
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
--   hidden columns (virtual columns are listed in defaults.csv with VIRTUAL_COLUMN=YES, not in columns.csv),
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
-- A decimal point and no group separator whatever the territory, so numbers stay one CSV field.
ALTER SESSION SET NLS_NUMERIC_CHARACTERS = '.,';
DEFINE clob_bytes_per_char = 4
-- Schema filter used below: OWNER must appear in ",APP,HR," (the argument upper-cased, blanks removed, since the
-- dictionary stores unquoted names in upper case).

-- ---------------------------------------------------------------------------------------------------- tables.csv
-- HAS_PRIMARY_KEY / HAS_UNIQUE_KEY: enabled constraints (and constraint-less unique indexes for the unique key).
-- BYTES: table and LOB segments (all partitions), and for an index-organized table (IOT) its primary key index
-- segment, which holds the rows; 0 when no segment exists yet (deferred segment creation). Secondary index
-- segments are in indexes.csv (BYTES), where they size the index build between full load and CDC catch-up.
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
                                                        WHERE l.owner = t.owner AND l.table_name = t.table_name))
                            OR (t.iot_type = 'IOT'
                                AND s.segment_type IN ('INDEX', 'INDEX PARTITION', 'INDEX SUBPARTITION')
                                AND s.segment_name IN (SELECT k.index_name FROM all_constraints k
                                                        WHERE k.owner = t.owner AND k.table_name = t.table_name
                                                          AND k.constraint_type = 'P')))),
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

-- ================================================================ what DMS does not move: the schema objects
-- The files below feed `inventory ddl --part before-load|after-load|cutover`. Each query applies the table filter
-- above (keep the copies identical).

-- -------------------------------------------------------------------------------------------------- sequences.csv
-- Every sequence of the schemas, including identity-column sequences (ISEQ$$_n) and those only a trigger or the
-- application calls. LAST_NUMBER is the next value Oracle writes to disk: every value handed out, cached ones
-- included, is below it (above it for a descending sequence). Run this section again at the write freeze.
@@oracle_sequences.sql

-- --------------------------------------------------------------------------------------------------- identity.csv
-- 12c identity columns: GENERATION_TYPE ALWAYS or BY DEFAULT, the backing sequence and its options.
SET MARKUP CSV ON DELIMITER , QUOTE ON
SPOOL identity.csv
PROMPT "OWNER","TABLE_NAME","COLUMN_NAME","GENERATION_TYPE","SEQUENCE_NAME","IDENTITY_OPTIONS"
SELECT i.owner, i.table_name, i.column_name, i.generation_type, i.sequence_name, i.identity_options
  FROM all_tab_identity_cols i
  JOIN all_tables t ON t.owner = i.owner AND t.table_name = i.table_name
 WHERE 1 = 1
   AND INSTR(',' || UPPER(REPLACE('&schemas', ' ')) || ',', ',' || t.owner || ',') > 0
   AND t.temporary = 'N' AND t.nested = 'NO' AND t.secondary = 'N' AND t.dropped = 'NO'
   AND (t.iot_type IS NULL OR t.iot_type = 'IOT')
   AND t.table_name NOT LIKE 'MLOG$\_%' ESCAPE '\' AND t.table_name NOT LIKE 'RUPD$\_%' ESCAPE '\'
   AND NOT EXISTS (SELECT 1 FROM all_mviews m WHERE m.owner = t.owner AND m.mview_name = t.table_name)
   AND NOT EXISTS (SELECT 1 FROM all_external_tables x WHERE x.owner = t.owner AND x.table_name = t.table_name)
 ORDER BY i.owner, i.table_name, i.column_name;
SPOOL OFF

-- ------------------------------------------------------------------------------------------------ foreign_keys.csv
-- Enabled foreign keys, one row per column by POSITION, with the referenced column at the same position.
SPOOL foreign_keys.csv
PROMPT "OWNER","TABLE_NAME","CONSTRAINT_NAME","COLUMN_NAME","POSITION","R_OWNER","R_TABLE_NAME","R_COLUMN_NAME","DELETE_RULE"
SELECT k.owner, k.table_name, k.constraint_name, cc.column_name, cc.position,
       r.owner, r.table_name, rc.column_name, k.delete_rule
  FROM all_constraints k
  JOIN all_cons_columns cc ON cc.owner = k.owner AND cc.constraint_name = k.constraint_name
  JOIN all_constraints r ON r.owner = k.r_owner AND r.constraint_name = k.r_constraint_name
  JOIN all_cons_columns rc ON rc.owner = r.owner AND rc.constraint_name = r.constraint_name
                          AND rc.position = cc.position
  JOIN all_tables t ON t.owner = k.owner AND t.table_name = k.table_name
 WHERE k.constraint_type = 'R' AND k.status = 'ENABLED'
   AND INSTR(',' || UPPER(REPLACE('&schemas', ' ')) || ',', ',' || t.owner || ',') > 0
   AND t.temporary = 'N' AND t.nested = 'NO' AND t.secondary = 'N' AND t.dropped = 'NO'
   AND (t.iot_type IS NULL OR t.iot_type = 'IOT')
   AND t.table_name NOT LIKE 'MLOG$\_%' ESCAPE '\' AND t.table_name NOT LIKE 'RUPD$\_%' ESCAPE '\'
   AND NOT EXISTS (SELECT 1 FROM all_mviews m WHERE m.owner = t.owner AND m.mview_name = t.table_name)
   AND NOT EXISTS (SELECT 1 FROM all_external_tables x WHERE x.owner = t.owner AND x.table_name = t.table_name)
 ORDER BY k.owner, k.table_name, k.constraint_name, cc.position;
SPOOL OFF

-- ------------------------------------------------------------------------------------------------------ checks.csv
-- Enabled check constraints written by hand (the NOT NULL checks Oracle generates are in columns.csv NULLABLE).
-- SEARCH_CONDITION_VC (12.1+) is the VARCHAR2 copy of the LONG SEARCH_CONDITION.
SPOOL checks.csv
PROMPT "OWNER","TABLE_NAME","CONSTRAINT_NAME","SEARCH_CONDITION"
SELECT k.owner, k.table_name, k.constraint_name, k.search_condition_vc
  FROM all_constraints k
  JOIN all_tables t ON t.owner = k.owner AND t.table_name = k.table_name
 WHERE k.constraint_type = 'C' AND k.status = 'ENABLED'
   AND NOT (k.generated = 'GENERATED NAME' AND k.search_condition_vc LIKE '% IS NOT NULL')
   AND INSTR(',' || UPPER(REPLACE('&schemas', ' ')) || ',', ',' || t.owner || ',') > 0
   AND t.temporary = 'N' AND t.nested = 'NO' AND t.secondary = 'N' AND t.dropped = 'NO'
   AND (t.iot_type IS NULL OR t.iot_type = 'IOT')
   AND t.table_name NOT LIKE 'MLOG$\_%' ESCAPE '\' AND t.table_name NOT LIKE 'RUPD$\_%' ESCAPE '\'
   AND NOT EXISTS (SELECT 1 FROM all_mviews m WHERE m.owner = t.owner AND m.mview_name = t.table_name)
   AND NOT EXISTS (SELECT 1 FROM all_external_tables x WHERE x.owner = t.owner AND x.table_name = t.table_name)
 ORDER BY k.owner, k.table_name, k.constraint_name;
SPOOL OFF

-- ---------------------------------------------------------------------------------------------------- triggers.csv
-- Triggers on the tables: listed for the DBA (PL/SQL is not converted), e.g. the BEFORE INSERT trigger that feeds a
-- key from a sequence; DMS writes with triggers firing unless they are disabled on the target.
-- REFERENCED_SEQUENCES (ALL_DEPENDENCIES, OWNER.NAME separated by blanks) and ASSIGNED_COLUMNS (ALL_TRIGGER_COLS,
-- the :NEW columns it writes) tie a `:NEW.id := seq.NEXTVAL` trigger to its column without reading the PL/SQL:
-- the cutover part then moves that sequence past max(column) too.
SPOOL triggers.csv
PROMPT "OWNER","TABLE_NAME","TRIGGER_NAME","TRIGGER_TYPE","TRIGGERING_EVENT","STATUS","REFERENCED_SEQUENCES","ASSIGNED_COLUMNS"
SELECT g.table_owner, g.table_name, g.trigger_name, g.trigger_type, g.triggering_event, g.status,
       (SELECT LISTAGG(d.referenced_owner || '.' || d.referenced_name, ' ')
                 WITHIN GROUP (ORDER BY d.referenced_owner, d.referenced_name)
          FROM all_dependencies d
         WHERE d.owner = g.owner AND d.name = g.trigger_name AND d.type = 'TRIGGER'
           AND d.referenced_type = 'SEQUENCE'),
       (SELECT LISTAGG(c.column_name, ' ') WITHIN GROUP (ORDER BY c.column_name)
          FROM all_trigger_cols c
         WHERE c.trigger_owner = g.owner AND c.trigger_name = g.trigger_name
           AND c.column_usage LIKE 'NEW%OUT%')
  FROM all_triggers g
  JOIN all_tables t ON t.owner = g.table_owner AND t.table_name = g.table_name
 WHERE g.base_object_type = 'TABLE'
   AND INSTR(',' || UPPER(REPLACE('&schemas', ' ')) || ',', ',' || t.owner || ',') > 0
   AND t.temporary = 'N' AND t.nested = 'NO' AND t.secondary = 'N' AND t.dropped = 'NO'
   AND (t.iot_type IS NULL OR t.iot_type = 'IOT')
   AND t.table_name NOT LIKE 'MLOG$\_%' ESCAPE '\' AND t.table_name NOT LIKE 'RUPD$\_%' ESCAPE '\'
   AND NOT EXISTS (SELECT 1 FROM all_mviews m WHERE m.owner = t.owner AND m.mview_name = t.table_name)
   AND NOT EXISTS (SELECT 1 FROM all_external_tables x WHERE x.owner = t.owner AND x.table_name = t.table_name)
 ORDER BY g.table_owner, g.table_name, g.trigger_name;
SPOOL OFF

-- -------------------------------------------------------------------------------------------------- partitions.csv
-- Partitioned tables: the partitioning type, the key columns by position, the partition count and, for interval
-- partitioning, the INTERVAL expression (Oracle adds partitions as rows arrive; the DDL adds a DEFAULT partition).
-- The bounds of each partition are in partition_bounds.csv.
SPOOL partitions.csv
PROMPT "OWNER","TABLE_NAME","PARTITIONING_TYPE","SUBPARTITIONING_TYPE","PARTITION_COUNT","COLUMN_NAME","COLUMN_POSITION","INTERVAL"
SELECT p.owner, p.table_name, p.partitioning_type, p.subpartitioning_type, p.partition_count,
       kc.column_name, kc.column_position, p.interval
  FROM all_part_tables p
  JOIN all_part_key_columns kc ON kc.owner = p.owner AND kc.name = p.table_name AND kc.object_type = 'TABLE'
  JOIN all_tables t ON t.owner = p.owner AND t.table_name = p.table_name
 WHERE 1 = 1
   AND INSTR(',' || UPPER(REPLACE('&schemas', ' ')) || ',', ',' || t.owner || ',') > 0
   AND t.temporary = 'N' AND t.nested = 'NO' AND t.secondary = 'N' AND t.dropped = 'NO'
   AND (t.iot_type IS NULL OR t.iot_type = 'IOT')
   AND t.table_name NOT LIKE 'MLOG$\_%' ESCAPE '\' AND t.table_name NOT LIKE 'RUPD$\_%' ESCAPE '\'
   AND NOT EXISTS (SELECT 1 FROM all_mviews m WHERE m.owner = t.owner AND m.mview_name = t.table_name)
   AND NOT EXISTS (SELECT 1 FROM all_external_tables x WHERE x.owner = t.owner AND x.table_name = t.table_name)
 ORDER BY p.owner, p.table_name, kc.column_position;
SPOOL OFF

-- -------------------------------------------------------------------------------------------- partition_bounds.csv
-- One row per partition of the RANGE and LIST partitioned tables: HIGH_VALUE is the range's upper bound (exclusive),
-- one value per key column, e.g. TO_DATE(' 2024-01-01 00:00:00', 'SYYYY-MM-DD HH24:MI:SS', 'NLS_CALENDAR=GREGORIAN')
-- or MAXVALUE, or the list's values (DEFAULT for the default partition). HIGH_VALUE is a LONG, which SQL cannot
-- read: a PL/SQL cursor fetches it as text (up to 32 KB) and prints it as a quoted CSV field, as defaults.csv does.
SET MARKUP CSV OFF
SET SERVEROUTPUT ON SIZE UNLIMITED FORMAT WRAPPED
SPOOL partition_bounds.csv
PROMPT "TABLE_OWNER","TABLE_NAME","PARTITION_NAME","PARTITION_POSITION","HIGH_VALUE"
BEGIN
    FOR p IN (SELECT p.table_owner, p.table_name, p.partition_name, p.partition_position, p.high_value
                FROM all_tab_partitions p
                JOIN all_part_tables pt ON pt.owner = p.table_owner AND pt.table_name = p.table_name
                JOIN all_tables t ON t.owner = p.table_owner AND t.table_name = p.table_name
               WHERE pt.partitioning_type IN ('RANGE', 'LIST')
                 AND INSTR(',' || UPPER(REPLACE('&schemas', ' ')) || ',', ',' || t.owner || ',') > 0
                 AND t.temporary = 'N' AND t.nested = 'NO' AND t.secondary = 'N' AND t.dropped = 'NO'
                 AND (t.iot_type IS NULL OR t.iot_type = 'IOT')
                 AND t.table_name NOT LIKE 'MLOG$\_%' ESCAPE '\' AND t.table_name NOT LIKE 'RUPD$\_%' ESCAPE '\'
                 AND NOT EXISTS (SELECT 1 FROM all_mviews m WHERE m.owner = t.owner AND m.mview_name = t.table_name)
                 AND NOT EXISTS (SELECT 1 FROM all_external_tables x WHERE x.owner = t.owner AND x.table_name = t.table_name)
               ORDER BY p.table_owner, p.table_name, p.partition_position)
    LOOP
        DBMS_OUTPUT.PUT_LINE('"' || p.table_owner || '","' || p.table_name || '","' || p.partition_name || '","'
                             || TO_CHAR(p.partition_position) || '","'
                             || REPLACE(TRIM(p.high_value), '"', '""') || '"');
    END LOOP;
END;
/
SPOOL OFF
SET MARKUP CSV ON DELIMITER , QUOTE ON

-- ----------------------------------------------------------------------------------------------------- indexes.csv
-- Indexes that back no primary key or unique constraint, one row per column by position; plain unique indexes are
-- in keys.csv (as unique keys) and LOB indexes and an IOT's own key are left out. INDEX_TYPE says NORMAL, BITMAP,
-- FUNCTION-BASED ... or DOMAIN. A function-based index's expression column is a hidden SYS_NC column: Oracle records
-- a DESC column that way too, with the expression just the quoted column ("RESULT_DATE"), which the DDL turns into
-- `result_date DESC`; other expressions and domain indexes are listed for the DBA, not converted.
-- COLUMN_EXPRESSION (ALL_IND_EXPRESSIONS) is a LONG, which SQL cannot read: DBMS_XMLGEN runs the lookup and returns
-- the LONG as XML text, which XMLCAST turns back into a VARCHAR2 (the first 4000 bytes; NULL for a plain column).
-- BYTES: the index segments (all partitions), for the build-time estimate.
SPOOL indexes.csv
PROMPT "OWNER","TABLE_NAME","INDEX_NAME","UNIQUENESS","INDEX_TYPE","COLUMN_NAME","COLUMN_POSITION","DESCEND","BYTES","COLUMN_EXPRESSION"
SELECT i.table_owner, i.table_name, i.index_name, i.uniqueness, i.index_type, ic.column_name, ic.column_position,
       ic.descend,
       TO_CHAR(NVL((SELECT SUM(s.bytes) FROM dba_segments s
                     WHERE s.owner = i.owner AND s.segment_name = i.index_name
                       AND s.segment_type IN ('INDEX', 'INDEX PARTITION', 'INDEX SUBPARTITION')), 0)) AS bytes,
       CASE WHEN i.index_type LIKE 'FUNCTION-BASED%' THEN
           XMLCAST(XMLQUERY('/ROWSET/ROW/COLUMN_EXPRESSION/text()'
                            PASSING DBMS_XMLGEN.GETXMLTYPE(
                                'SELECT column_expression FROM all_ind_expressions WHERE index_owner = '''
                                || REPLACE(i.owner, '''', '''''') || ''' AND index_name = '''
                                || REPLACE(i.index_name, '''', '''''') || ''' AND column_position = '
                                || TO_CHAR(ic.column_position))
                            RETURNING CONTENT) AS VARCHAR2(4000))
       END AS column_expression
  FROM all_indexes i
  JOIN all_ind_columns ic ON ic.index_owner = i.owner AND ic.index_name = i.index_name
  JOIN all_tables t ON t.owner = i.table_owner AND t.table_name = i.table_name
 WHERE i.index_type NOT IN ('LOB', 'IOT - TOP') AND i.status <> 'UNUSABLE'
   AND NOT (i.uniqueness = 'UNIQUE' AND i.index_type NOT LIKE 'FUNCTION-BASED%')
   AND NOT EXISTS (SELECT 1 FROM all_constraints k
                    WHERE k.index_owner = i.owner AND k.index_name = i.index_name
                      AND k.constraint_type IN ('P', 'U'))
   AND INSTR(',' || UPPER(REPLACE('&schemas', ' ')) || ',', ',' || t.owner || ',') > 0
   AND t.temporary = 'N' AND t.nested = 'NO' AND t.secondary = 'N' AND t.dropped = 'NO'
   AND (t.iot_type IS NULL OR t.iot_type = 'IOT')
   AND t.table_name NOT LIKE 'MLOG$\_%' ESCAPE '\' AND t.table_name NOT LIKE 'RUPD$\_%' ESCAPE '\'
   AND NOT EXISTS (SELECT 1 FROM all_mviews m WHERE m.owner = t.owner AND m.mview_name = t.table_name)
   AND NOT EXISTS (SELECT 1 FROM all_external_tables x WHERE x.owner = t.owner AND x.table_name = t.table_name)
 ORDER BY i.table_owner, i.table_name, i.index_name, ic.column_position;
SPOOL OFF

-- ---------------------------------------------------------------------------------------------------- defaults.csv
-- Column defaults and virtual columns (VIRTUAL_COLUMN=YES: the expression; they are not in columns.csv). DATA_DEFAULT
-- is a LONG, which SQL cannot read, so a PL/SQL loop prints it (up to 32 KB) as a quoted CSV field.
SET MARKUP CSV OFF
SET SERVEROUTPUT ON SIZE UNLIMITED FORMAT WRAPPED
SPOOL defaults.csv
PROMPT "OWNER","TABLE_NAME","COLUMN_NAME","VIRTUAL_COLUMN","DATA_TYPE","DATA_DEFAULT"
BEGIN
    FOR c IN (SELECT c.owner, c.table_name, c.column_name, c.virtual_column, c.data_type, c.data_default
                FROM all_tab_cols c
                JOIN all_tables t ON t.owner = c.owner AND t.table_name = c.table_name
               WHERE c.hidden_column = 'NO' AND c.default_length > 0
                 AND c.column_name NOT IN (SELECT i.column_name FROM all_tab_identity_cols i
                                            WHERE i.owner = c.owner AND i.table_name = c.table_name)
                 AND INSTR(',' || UPPER(REPLACE('&schemas', ' ')) || ',', ',' || t.owner || ',') > 0
                 AND t.temporary = 'N' AND t.nested = 'NO' AND t.secondary = 'N' AND t.dropped = 'NO'
                 AND (t.iot_type IS NULL OR t.iot_type = 'IOT')
                 AND t.table_name NOT LIKE 'MLOG$\_%' ESCAPE '\' AND t.table_name NOT LIKE 'RUPD$\_%' ESCAPE '\'
                 AND NOT EXISTS (SELECT 1 FROM all_mviews m WHERE m.owner = t.owner AND m.mview_name = t.table_name)
                 AND NOT EXISTS (SELECT 1 FROM all_external_tables x WHERE x.owner = t.owner AND x.table_name = t.table_name)
               ORDER BY c.owner, c.table_name, c.column_id)
    LOOP
        DBMS_OUTPUT.PUT_LINE('"' || c.owner || '","' || c.table_name || '","' || c.column_name || '","'
                             || c.virtual_column || '","' || c.data_type || '","'
                             || REPLACE(TRIM(c.data_default), '"', '""') || '"');
    END LOOP;
END;
/
SPOOL OFF

EXIT
