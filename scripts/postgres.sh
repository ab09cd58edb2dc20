#!/usr/bin/env bash
# Start the machine's PostgreSQL 15 (Debian cluster "15 main") and make a role and database
# for Chancery; print the database URL on stdout. Needs root (pg_ctlcluster, su postgres).
#   url=$(scripts/postgres.sh)    # then CHANCERY_DATABASE_URL=$url …
# The role may create databases: the test suite creates and drops test_<name>.
set -euo pipefail
VERSION="${PG_VERSION:-15}"
CLUSTER="${PG_CLUSTER:-main}"
ROLE="${PG_ROLE:-chancery}"
DB="${PG_DATABASE:-chancery}"
PASSWORD="${PG_PASSWORD:-chancery}"

if [ "$(id -u)" != 0 ]; then
  echo "scripts/postgres.sh: must run as root (it starts the Debian cluster $VERSION $CLUSTER)" >&2
  exit 1
fi
if ! command -v pg_ctlcluster >/dev/null; then
  echo "scripts/postgres.sh: pg_ctlcluster not found: install postgresql-$VERSION" >&2
  exit 1
fi
if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -qx "$VERSION $CLUSTER"; then
  pg_createcluster "$VERSION" "$CLUSTER" >&2
fi
if ! pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $4}' | grep -qx online; then
  pg_ctlcluster "$VERSION" "$CLUSTER" start >&2
fi
PORT="$(pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $3}')"

psql_as_postgres() {
  su postgres -c "psql -X -q -v ON_ERROR_STOP=1 -p $PORT $*"
}
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q -p $PORT" && break
  sleep 1
done
psql_as_postgres -d postgres <<SQL >&2
SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', '$ROLE', '$PASSWORD')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', '$DB', '$ROLE')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB') \gexec
SQL
echo "postgresql://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"
