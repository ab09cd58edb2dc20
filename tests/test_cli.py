"""The `chancery` command, run as a user runs it (a real subprocess)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from chancery.corpus.models import Collection, Document
from chancery.settings import ENVIRONMENT

pytestmark = pytest.mark.engine

CHANCERY = [sys.executable, "-m", "chancery.cli"]


def run(*args, env=None, home=None):
    # A fresh home is a SQLite archive, also when the suite itself runs on PostgreSQL.
    environ = {k: v for k, v in os.environ.items() if k != "CHANCERY_DATABASE_URL"}
    environ.update(env or {})
    if home:
        environ["CHANCERY_HOME"] = str(home)
    return subprocess.run([*CHANCERY, *args], capture_output=True, text=True, env=environ)


def test_help_lists_every_command():
    from chancery.cli import COMMANDS

    out = run("--help").stdout
    for name in COMMANDS:
        assert f"  {name}" in out


def test_unknown_command_fails_clearly():
    result = run("frobnicate")
    assert result.returncode == 2
    assert "unknown command 'frobnicate'" in result.stderr


def test_fresh_home_migrates_loads_demo_once_and_reindexes(tmp_path):
    assert run("migrate", "--no-input", home=tmp_path).returncode == 0
    first = run("demo", "--if-empty", home=tmp_path)
    assert "Demo archive loaded: 13 documents." in first.stdout
    again = run("demo", "--if-empty", home=tmp_path)
    assert "already has documents" in again.stdout
    reindexed = run("reindex", home=tmp_path)
    assert "Indexed 12 published documents" in reindexed.stdout
    assert (tmp_path / "chancery.sqlite3").exists()
    assert (tmp_path / "secret_key").exists()


@pytest.mark.django_db
def test_demo_is_idempotent():
    call_command("demo")
    counts = Document.objects.count(), Collection.objects.count()
    call_command("demo")
    assert (Document.objects.count(), Collection.objects.count()) == counts == (13, 6)


@pytest.mark.django_db
def test_createuser_makes_an_editor(monkeypatch):
    from django.contrib.auth import get_user_model

    monkeypatch.setenv("CHANCERY_PASSWORD", "archives are forever 1958")
    call_command("createuser", "clio")
    user = get_user_model().objects.get(username="clio")
    assert user.is_staff and not user.is_superuser
    assert user.has_perm("corpus.change_document")
    assert user.check_password("archives are forever 1958")


@pytest.mark.django_db
def test_createuser_rejects_weak_passwords(monkeypatch):
    from django.core.management.base import CommandError

    monkeypatch.setenv("CHANCERY_PASSWORD", "123")
    with pytest.raises(CommandError, match="Password rejected"):
        call_command("createuser", "weak")


def test_wal_mode_is_on(tmp_path):
    run("migrate", "--no-input", home=tmp_path)
    import sqlite3

    mode = sqlite3.connect(tmp_path / "chancery.sqlite3").execute("PRAGMA journal_mode").fetchone()
    assert mode[0] == "wal"


def test_every_setting_and_command_is_documented():
    from chancery.cli import COMMANDS

    docs_dir = Path(__file__).resolve().parents[1] / "docs"
    docs = (docs_dir / "configuration.md").read_text()
    for name, (default, help_text) in ENVIRONMENT.items():
        assert isinstance(default, str) and help_text, f"{name}: a default and a help line"
        assert f"`{name}`" in docs, f"{name} missing from docs/configuration.md"
    cli_docs = (docs_dir / "cli.md").read_text()
    for name in COMMANDS:
        assert f"chancery {name}" in cli_docs, f"chancery {name} missing from docs/cli.md"


def test_import_and_export_on_a_fresh_home_create_the_tables_first(tmp_path):
    home = tmp_path / "home"
    sheet = tmp_path / "sheet.csv"
    first = run("import", "csv", str(sheet), "--template", home=home)
    assert first.returncode == 0, first.stderr
    assert "creating its tables first" in first.stdout
    imported = run("import", "csv", str(sheet), "--no-progress", home=home)
    assert imported.returncode == 0, imported.stderr
    assert "1 created" in imported.stdout
    assert "no such table" not in imported.stdout + imported.stderr
    exported = run("export", "jsonl", str(tmp_path / "out.jsonl"), home=home)
    assert exported.returncode == 0, exported.stderr
    assert "creating its tables first" not in exported.stdout
    assert (tmp_path / "out.jsonl").stat().st_size > 0


def test_a_database_behind_its_migrations_is_not_migrated_behind_the_operators_back(tmp_path):
    assert run("migrate", "corpus", "0001", "--no-input", home=tmp_path).returncode == 0
    result = run("export", "jsonl", str(tmp_path / "out.jsonl"), home=tmp_path)
    assert result.returncode == 1
    assert "run `chancery migrate` first" in result.stderr


@pytest.mark.slow
def test_serve_on_a_fresh_home_creates_the_tables_first(tmp_path):
    from .security.test_dos import _free_port, _serve, _stop, _wait_until_serving

    port = _free_port()
    process = _serve(tmp_path, port)
    try:
        _wait_until_serving(port, process)  # the home page answers: its tables are there
    finally:
        _stop(process)
    assert "creating its tables first" in process.stdout.read().decode()
    assert (tmp_path / "chancery.sqlite3").exists()


def test_serve_runs_one_worker_per_core_and_at_least_two(monkeypatch):
    """More workers than cores only contend for them (searches do not yield); fewer than
    two would leave no worker free while one runs a long search."""
    from chancery import cli

    for cores, workers in ((1, 2), (2, 2), (6, 6)):
        monkeypatch.setattr(cli.os, "sched_getaffinity", lambda _pid, n=cores: set(range(n)))
        assert cli.default_workers() == workers
