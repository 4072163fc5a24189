#!/usr/bin/env bash
# Copy tables from a SQLite file into PostgreSQL tables that already exist with the same columns.
#
#   scripts/sqlite-to-postgres.sh <sqlite-file> <postgres-url> <table>...
#
# Give the tables parents first (foreign keys are checked row by row). Stop the service first: the copy is
# a snapshot of the SQLite file. Each table is exported with the sqlite3 command line as CSV with a
# header, and loaded with psql's \copy, which checks that the header names the same columns in the same
# order (HEADER MATCH, PostgreSQL 15+) and keeps NULLs apart from empty strings. Afterwards each identity
# or serial column's sequence is moved past the largest id copied, so new rows do not collide. All tables
# load in one transaction: on any error nothing is kept.
#
# Needs: sqlite3 and psql on the PATH (Debian: apt-get install sqlite3 postgresql-client).
set -euo pipefail

if [ $# -lt 3 ]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
sqlite_file=$1
postgres_url=$2
shift 2

for tool in sqlite3 psql; do
  command -v "$tool" >/dev/null || { echo "$tool is not on the PATH" >&2; exit 1; }
done
[ -r "$sqlite_file" ] || { echo "cannot read $sqlite_file" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

script="$work/load.sql"
echo '\set ON_ERROR_STOP on' > "$script"
echo 'BEGIN;' >> "$script"
for table in "$@"; do
  if ! [[ $table =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
    echo "'$table' is not a plain table name" >&2
    exit 1
  fi
  sqlite3 -bail -header -csv "file:$sqlite_file?mode=ro" "SELECT * FROM \"$table\"" > "$work/$table.csv"
  echo "$table: $(sqlite3 "file:$sqlite_file?mode=ro" "SELECT count(*) FROM \"$table\"") rows exported"
  echo "\\copy \"$table\" FROM '$work/$table.csv' WITH (FORMAT csv, HEADER match)" >> "$script"
  # Identity and serial columns: start each sequence after the largest value copied (\gexec runs the
  # statements the query writes).
  cat >> "$script" <<SQL
SELECT format('SELECT setval(%L, max(%I)) FROM %I HAVING max(%I) IS NOT NULL',
              pg_get_serial_sequence(quote_ident('$table'), attname), attname, '$table', attname)
FROM pg_attribute
WHERE attrelid = quote_ident('$table')::regclass AND attnum > 0 AND NOT attisdropped
  AND pg_get_serial_sequence(quote_ident('$table'), attname) IS NOT NULL
\\gexec
SQL
done
echo 'COMMIT;' >> "$script"
psql "$postgres_url" --quiet --no-psqlrc -f "$script" > /dev/null
echo "copied $# tables into $postgres_url"
