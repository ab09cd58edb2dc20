"""Read replicas, for real: a streaming replica of the test cluster on loopback.

PostgreSQL only (replication is a PostgreSQL feature; on SQLite the module is skipped).
Builds a second cluster with ``pg_basebackup -R`` on another port, run as the ``postgres``
OS user, so it needs root: skipped otherwise, except in CI (CI=true), where it must run.
"""

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection, connections
from django.db.utils import load_backend

from chancery import db_router
from chancery.search.backends import get_backend
from chancery.search.query import SearchQuery

from ..factories import DocumentFactory

pytestmark = pytest.mark.django_db(transaction=True)

BIN = Path("/usr/lib/postgresql/15/bin")
REPLICA_PORT = 54329
ALIAS = "replica_test"
SAME_AS_PRIMARY = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


def _needs_root_and_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("streaming replicas exist only on PostgreSQL (this run is on SQLite)")
    reason = None
    if os.geteuid() != 0:
        reason = "building a replica cluster needs root (to run as the postgres OS user)"
    elif not (BIN / "pg_basebackup").exists():
        reason = f"{BIN}/pg_basebackup not found"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"replica test cannot run in CI: {reason}")
        pytest.skip(reason)


def _as_postgres(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        ["su", "postgres", "-c", " ".join(args)],
        check=check,
        capture_output=True,
        text=True,
        timeout=120,
    )


class Replica:
    """A hot standby of the primary cluster, in a temporary directory."""

    def __init__(self, primary: dict):
        self.primary = primary
        self.dir = Path(tempfile.mkdtemp(prefix="chancery-replica-"))
        self.data = self.dir / "data"
        shutil.chown(self.dir, "postgres", "postgres")

    def build(self) -> None:
        socket = "/var/run/postgresql"
        _as_postgres(
            str(BIN / "pg_basebackup"),
            f"-h {socket} -p {self.primary['PORT'] or 5432} -D {self.data} -R -X stream -c fast",
        )
        # Debian keeps the configuration outside the data directory: give the copy its own,
        # with the limits a standby must not have lower than its primary.
        with connection.cursor() as cursor:
            limits = []
            for name in SAME_AS_PRIMARY:
                cursor.execute(f"SHOW {name}")
                limits.append(f"{name} = {cursor.fetchone()[0]}\n")
        (self.data / "postgresql.conf").write_text(
            f"port = {REPLICA_PORT}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{self.dir}'\nhot_standby = on\n"
            "shared_buffers = 16MB\n" + "".join(limits)
        )
        (self.data / "pg_hba.conf").write_text(
            "local all all trust\nhost all all 127.0.0.1/32 trust\n"
        )
        (self.data / "pg_ident.conf").write_text("")
        for path in self.data.glob("*.conf"):
            shutil.chown(path, "postgres", "postgres")

    def start(self) -> None:
        log = self.dir / "replica.log"
        started = _as_postgres(
            str(BIN / "pg_ctl"), f"-D {self.data} -l {log} -w -t 60 start", check=False
        )
        if started.returncode:
            text = log.read_text() if log.exists() else started.stderr
            pytest.fail(f"the replica did not start:\n{text[-2000:]}")

    def stop(self) -> None:
        _as_postgres(str(BIN / "pg_ctl"), f"-D {self.data} -m immediate -w stop", check=False)

    def sql(self, statement: str, *params):
        with psycopg.connect(
            host=str(self.dir), port=REPLICA_PORT, user="postgres", dbname="postgres"
        ) as conn:
            return conn.execute(statement, params).fetchone()

    def wait_for_replay(self) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            target = cursor.fetchone()[0]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            (done,) = self.sql("SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s) >= 0", target)
            if done:
                return
            time.sleep(0.1)
        pytest.fail(f"the replica did not replay up to {target} within 60 s")

    def set_paused(self, paused: bool) -> None:
        self.sql("SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()")
        want = "paused" if paused else "not paused"
        deadline = time.monotonic() + 30
        while self.sql("SELECT pg_get_wal_replay_pause_state()")[0] != want:
            assert time.monotonic() < deadline, f"replay never became {want}"
            time.sleep(0.05)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def replica(transactional_db, settings):
    """The replica, registered as the only entry of DATABASE_REPLICAS for the test."""
    _needs_root_and_postgres()
    primary = connections["default"].settings_dict
    standby = Replica(primary)
    try:
        standby.build()
        standby.start()
        config = dict(primary, HOST="127.0.0.1", PORT=REPLICA_PORT, TEST={"MIRROR": None})
        config["OPTIONS"] = {**primary.get("OPTIONS", {}), "connect_timeout": 2}
        # A connection made here, not declared in settings.DATABASES: Django's test case
        # lets such dynamically created connections through.
        wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, ALIAS)
        setattr(connections._connections, ALIAS, wrapper)
        settings.DATABASE_REPLICAS = [ALIAS]
        db_router._down_until.clear()
        yield standby
    finally:
        with contextlib.suppress(Exception):
            connections[ALIAS].close()
        with contextlib.suppress(AttributeError):
            delattr(connections._connections, ALIAS)
        db_router._down_until.clear()
        standby.remove()
        # The search table is not Django's to flush between tests: leave it as we found it.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_pg")


def titles(client, text: str) -> set[str]:
    response = client.get("/api/v1/search", {"q": text, "per_page": 50})
    assert response.status_code == 200
    return {hit["title"] for hit in response.json()["hits"]}


def test_public_search_reads_the_replica_and_falls_back_to_the_primary(client, replica):
    DocumentFactory(title="Zanzibar cable one")
    replica.wait_for_replay()
    # Answered by the replica: the new document is there once replayed.
    assert titles(client, "zanzibar") == {"Zanzibar cable one"}

    # Freeze the replica: what the primary writes now, the public search cannot see yet…
    replica.set_paused(True)
    DocumentFactory(title="Zanzibar cable two")
    assert get_backend().search(SearchQuery(text="zanzibar")).count() == 2  # the primary
    assert titles(client, "zanzibar") == {"Zanzibar cable one"}  # the replica

    # …except the browser that just wrote: a POST pins it to the primary for a while.
    writer = client.__class__()
    response = writer.post("/api/v1/search", {"q": "zanzibar"})
    assert db_router.PIN_COOKIE in response.cookies
    assert titles(writer, "zanzibar") == {"Zanzibar cable one", "Zanzibar cable two"}

    # The admin always reads the primary.
    assert db_router.reads_from_replica(writer.get("/admin/").wsgi_request) is False

    replica.set_paused(False)
    replica.wait_for_replay()
    assert titles(client, "zanzibar") == {"Zanzibar cable one", "Zanzibar cable two"}

    # The replica goes away: public pages and search keep working from the primary.
    replica.stop()
    assert titles(client, "zanzibar") == {"Zanzibar cable one", "Zanzibar cable two"}
    assert client.get("/search/", {"q": "zanzibar"}).status_code == 200
    assert client.get("/").status_code == 200
    assert not db_router.healthy(ALIAS)


def test_a_lagging_replica_keys_its_pages_by_its_own_stamp(client, replica, settings):
    """The content stamp is read where the page is read: a replica that lags gives its own
    older stamp, under which only what it shows is kept; once replayed, the same tag as the
    primary's (chancery/web/freshness.py)."""
    from chancery.web import freshness

    settings.PAGE_CACHE_BYTES = 8 * 1024 * 1024
    freshness.PAGES.clear()
    url = "/search/?q=zanzibar"
    DocumentFactory(title="Zanzibar cable one")
    replica.wait_for_replay()
    first = client.get(url)
    assert "Zanzibar cable one" in first.content.decode() and first.has_header("ETag")

    replica.set_paused(True)
    DocumentFactory(title="Zanzibar cable two")
    # the replica has not moved: its readers may keep what they have
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    # a browser pinned to the primary gets the new page, under the primary's stamp…
    writer = client.__class__()
    writer.cookies[db_router.PIN_COOKIE] = "1"
    fresh = writer.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200 and "Zanzibar cable two" in fresh.content.decode()
    assert fresh["ETag"] != first["ETag"]
    # …and the replica's readers still the replica's page, not the primary's kept one
    assert "Zanzibar cable two" not in client.get(url).content.decode()

    replica.set_paused(False)
    replica.wait_for_replay()
    caught_up = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert caught_up.status_code == 200 and "Zanzibar cable two" in caught_up.content.decode()
    assert caught_up["ETag"] == fresh["ETag"]  # the same state, the same stamp
    freshness.PAGES.clear()
