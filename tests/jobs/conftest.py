import pytest


@pytest.fixture(autouse=True)
def _worker_keeps_the_test_connection(monkeypatch):
    """A worker run in the test's process must not close the test's database connection
    between jobs (on PostgreSQL that would end the test's transaction), as the suite's
    conftest already ensures for requests."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
