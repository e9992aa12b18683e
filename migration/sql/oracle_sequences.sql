-- oracle_sequences.sql: the sequences.csv part of oracle_inventory.sql, alone, for the export at the write freeze.
--
--   NLS_LANG=AMERICAN_AMERICA.AL32UTF8 sqlplus -S admin@//host:1521/ORCL @oracle_sequences.sql "APP,HR"
--
-- oracle_inventory.sql runs it too. Once the applications stopped writing to Oracle, run it, point the stack's
-- `inventory.sequences` at the new sequences.csv and run `python -m migration inventory ddl --part cutover`: the
-- setval statements it prints move every PostgreSQL sequence and identity past what Oracle handed out.
-- LAST_NUMBER is the next value Oracle writes to its dictionary: every value handed out, cached ones included, is
-- below it for an ascending sequence (above it for a descending one).

WHENEVER SQLERROR EXIT SQL.SQLCODE
SET ECHO OFF VERIFY OFF FEEDBACK OFF TERMOUT OFF
SET HEADING OFF PAGESIZE 0 LINESIZE 32767 TRIMSPOOL ON NUMWIDTH 40
SET MARKUP CSV ON DELIMITER , QUOTE ON
ALTER SESSION SET NLS_NUMERIC_CHARACTERS = '.,';

SPOOL sequences.csv
PROMPT "SEQUENCE_OWNER","SEQUENCE_NAME","LAST_NUMBER","INCREMENT_BY","CACHE_SIZE","MIN_VALUE","MAX_VALUE","CYCLE_FLAG"
SELECT s.sequence_owner, s.sequence_name, TO_CHAR(s.last_number), TO_CHAR(s.increment_by), TO_CHAR(s.cache_size),
       TO_CHAR(s.min_value), TO_CHAR(s.max_value), s.cycle_flag
  FROM all_sequences s
 WHERE INSTR(',' || UPPER(REPLACE('&1', ' ')) || ',', ',' || s.sequence_owner || ',') > 0
 ORDER BY s.sequence_owner, s.sequence_name;
SPOOL OFF
