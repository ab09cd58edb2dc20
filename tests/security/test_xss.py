"""Stored XSS and the deployment defaults around it (issue #11).

Every stored HTML field is sanitised on save, on import and by migration 0003; every page
carries a strict Content-Security-Policy; logins are throttled; the documented production
configuration passes ``check --deploy``; files are private from the start. The escalation
itself, replayed in a real Chromium, is in tests/browser/test_xss_escalation.py.
"""

import ast
import importlib
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from chancery.corpus import models

from ..factories import AgentFactory, CollectionFactory, DocumentFactory, SubjectFactory
from ..ingest.test_xss import PAYLOADS, assert_clean

pytestmark = pytest.mark.engine

ROOT = Path(__file__).resolve().parents[2]
CHANCERY = str(Path(sys.executable).parent / "chancery")  # the installed command
HTML = "<p>safe words survive</p>" + "".join(PAYLOADS)
BAD_URLS = ["javascript:alert(1)", " JaVaScRiPt:alert(2)", "data:text/html,<script>x</script>"]


def _outside_environment() -> dict:
    """This process's environment without its Chancery and Django settings (the browser
    tests' DJANGO_ALLOW_ASYNC_UNSAFE would fail check --deploy, rightly)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("CHANCERY_", "DJANGO_"))}


def editor(username="editor"):
    """An editor as `chancery createuser` makes one: staff, in the Editors group."""
    os.environ["CHANCERY_PASSWORD"] = "a long editor passphrase 1958"
    try:
        call_command("createuser", username)
    finally:
        del os.environ["CHANCERY_PASSWORD"]
    return get_user_model().objects.get(username=username)


# -- sanitised on save, everywhere it is shown ------------------------------------------
@pytest.mark.django_db
def test_collection_introduction_is_sanitised_on_save_and_on_its_page(client):
    coll = CollectionFactory(slug="intro", introduction=HTML)
    coll.refresh_from_db()
    assert_clean(coll.introduction, "stored introduction")
    assert "safe words survive" in coll.introduction
    page = client.get(coll.get_absolute_url())
    assert page.status_code == 200
    assert_clean(page.content.decode(), "collection page", own_markup=True)
    assert "safe words survive" in page.content.decode()


@pytest.mark.django_db
def test_an_editor_saving_script_in_the_admin_stores_none(client):
    coll = CollectionFactory(slug="intro", title="Cables")
    client.force_login(editor())
    url = f"/admin/corpus/collection/{coll.pk}/change/"
    form = client.get(url)
    assert form.status_code == 200  # editors may change collections
    response = client.post(
        url, {"title": "Cables", "slug": "intro", "introduction": HTML, "position": 0}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    coll.refresh_from_db()
    assert_clean(coll.introduction, "introduction saved in the admin")
    assert "safe words survive" in coll.introduction


@pytest.mark.django_db
def test_every_html_field_is_clean_on_its_public_page(client):
    rights = models.Rights.objects.create(name="Open", url="javascript:alert('rights')", text=HTML)
    repo = models.Repository.objects.create(name="Archive", url="javascript:alert('repo')")
    subject = SubjectFactory(slug="s", description=HTML)
    person = AgentFactory(slug="p", description=HTML)
    coll = CollectionFactory(slug="c", introduction=HTML)
    doc = DocumentFactory(
        public_id="x/1", collections=[coll], subjects=[subject], text=HTML, rights=rights
    )
    doc.people.add(person)
    doc.repositories.add(repo)
    models.Transcript.objects.create(document=doc, html=HTML)
    rights.refresh_from_db()
    repo.refresh_from_db()
    assert rights.url == "" and repo.url == ""  # stored links: http(s) or mailto only
    for text in (*doc.translations.all(), *doc.transcripts.all()):
        assert_clean(text.html, "stored text")
    for url in (
        doc.get_absolute_url(),
        coll.get_absolute_url(),
        subject.get_absolute_url(),
        person.get_absolute_url(),
        repo.get_absolute_url(),
        "/search/?q=safe",
        f"/srv/translations/{doc.translations.get().pk}.html",
        f"/srv/transcripts/{doc.transcripts.get().pk}.html",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert_clean(html, url, own_markup=True)
    # plain-text fields (descriptions, rights text) are escaped, never markup
    assert "&lt;script&gt;" in client.get(subject.get_absolute_url()).content.decode()
    assert "&lt;script&gt;" in client.get(doc.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_safe_links_are_kept():
    rights = models.Rights.objects.create(name="CC BY", url="https://creativecommons.org/by/4.0/")
    assert rights.url == "https://creativecommons.org/by/4.0/"
    for bad in BAD_URLS:
        rights.url = bad
        rights.save()
        assert rights.url == "", bad


@pytest.mark.django_db
def test_migration_cleans_html_stored_before():
    coll = CollectionFactory(slug="old")
    doc = DocumentFactory(public_id="x/2", text="<p>x</p>")
    rights = models.Rights.objects.create(name="Old")
    # rows as an older version left them: written without save()
    models.Collection.objects.filter(pk=coll.pk).update(introduction=HTML)
    models.Translation.objects.filter(document=doc).update(html=HTML)
    models.Rights.objects.filter(pk=rights.pk).update(url=BAD_URLS[0])
    migration = importlib.import_module("chancery.corpus.migrations.0003_sanitise_stored_html")
    migration.sanitise(apps, None)
    coll.refresh_from_db()
    rights.refresh_from_db()
    assert_clean(coll.introduction, "migrated introduction")
    assert "safe words survive" in coll.introduction
    assert_clean(doc.translations.get().html, "migrated translation")
    assert rights.url == ""
    before = coll.introduction
    migration.sanitise(apps, None)  # idempotent
    coll.refresh_from_db()
    assert coll.introduction == before


# -- Content-Security-Policy on every page type ------------------------------------------
@pytest.mark.django_db
def test_every_page_type_carries_a_strict_csp(client, demo):
    get_user_model().objects.create_superuser("root", password="x")
    doc = models.Document.objects.published().first()
    coll = models.Collection.objects.first()
    translation = models.Translation.objects.create(document=doc, html="<p>A translation.</p>")
    pages = [
        "/", "/search/?q=treaty", "/help/search/", "/collections/", coll.get_absolute_url(),
        doc.get_absolute_url(), "/subjects/", "/people/", "/places/", "/about/",
        "/no-such-page/", f"/document/{doc.public_id}/cite.bib", "/feed/", "/sitemap.xml",
        "/robots.txt", "/oai?verb=Identify", "/api/v1/documents", "/srv/record.json",
        f"/srv/translations/{translation.pk}.html",
        f"/iiif/{doc.public_id}/manifest.json", "/admin/login/",
    ]  # fmt: skip
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        policy = response.get("Content-Security-Policy", "")
        directives = dict((d.split()[0], d.split()[1:]) for d in policy.split(";") if d.strip())
        assert directives.get("script-src") == ["'self'"], (url, policy)
        assert directives["style-src"][0] == "'self'", (url, policy)
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, url
        assert directives["object-src"] == ["'none'"], url
        assert directives["frame-ancestors"] == ["'none'"], url
        assert directives["base-uri"] == ["'self'"], url
        assert directives["form-action"] == ["'self'"], url
        assert directives["default-src"] == ["'self'"], url


@pytest.mark.django_db
def test_public_pages_have_no_inline_script_or_style(client, demo):
    doc = models.Document.objects.published().first()
    for url in ("/", "/search/?q=treaty", doc.get_absolute_url(), "/collections/"):
        html = client.get(url).content.decode()
        assert not re.search(r"<[^>]+\sstyle=", html), url
        assert not re.search(r"<[^>]+\son[a-z]+=", html), url
        for attrs in re.findall(r"<script([^>]*)>", html):
            assert "src=" in attrs or "application/ld+json" in attrs, (url, attrs)
        assert "<style" not in html, url


# -- login throttling ------------------------------------------------------------------
def _login(client, username, password, **extra):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}, **extra
    )


@pytest.mark.django_db
def test_login_locks_out_after_repeated_failures(client, settings):
    get_user_model().objects.create_superuser("root", password="the right one 1958")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, "root", "wrong")
        assert response.status_code == 200  # the form again, with its error
    locked = _login(client, "root", "wrong")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Login locked" in text and "15 minutes" in text and "even with the right" in text
    right = _login(client, "root", "the right one 1958")
    assert right.status_code == 429  # the right password no longer helps
    assert client.get("/admin/").status_code == 302  # not logged in
    assert "_auth_user_id" not in client.session
    # another account is not locked by these failures
    get_user_model().objects.create_superuser("other", password="another right one 1958")
    assert _login(client, "other", "another right one 1958").status_code == 302


@pytest.mark.django_db
def test_a_forged_forwarded_for_does_not_escape_the_lockout(client, settings):
    get_user_model().objects.create_superuser("root", password="the right one 1958")
    outside = {"REMOTE_ADDR": "203.0.113.9"}  # not a trusted proxy: its header is ignored
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "root", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}", **outside)
    response = _login(
        client, "root", "the right one 1958", HTTP_X_FORWARDED_FOR="198.51.100.77", **outside
    )
    assert response.status_code == 429


@pytest.mark.django_db
def test_behind_a_trusted_proxy_clients_are_told_apart(client, settings):
    get_user_model().objects.create_superuser("root", password="the right one 1958")
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "root", "wrong", HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy)
    attacker = _login(client, "root", "x", HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy)
    assert attacker.status_code == 429
    owner = _login(client, "root", "the right one 1958", HTTP_X_FORWARDED_FOR="192.0.2.5", **proxy)
    assert owner.status_code == 302  # the real admin, elsewhere, still logs in


@pytest.mark.django_db
def test_a_success_clears_the_count(client, settings):
    get_user_model().objects.create_superuser("root", password="the right one 1958")
    for _ in range(2):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            _login(client, "root", "wrong")
        assert _login(client, "root", "the right one 1958").status_code == 302
        client.logout()


# -- check --deploy in the documented production configuration -------------------------
def _production_environment(tmp_path) -> dict:
    """The environment deploy/chancery.service and docs/deploy.md give the app, with a
    local home and database instead of the machines it names."""
    env = {}
    service = (ROOT / "deploy" / "chancery.service").read_text()
    for line in re.findall(r"^Environment=(.*)$", service, re.M):
        env.update(item.split("=", 1) for item in line.split())
    deploy = (ROOT / "docs" / "deploy.md").read_text()
    block = deploy.split("`/etc/chancery/env`", 1)[1].split("```", 2)[1]
    env.update(line.split("=", 1) for line in block.splitlines() if re.match(r"^[A-Z_]+=", line))
    env.update(
        CHANCERY_HOME=str(tmp_path / "home"),
        CHANCERY_DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        CHANCERY_REPLICA_URLS="",
        CHANCERY_SECRET_KEY="kQ3v" + "x7Lp9ZrT2m" * 6,
    )
    return env


def _check_deploy(env: dict) -> subprocess.CompletedProcess:
    clean = _outside_environment()
    return subprocess.run(
        [CHANCERY, "check", "--deploy", "--fail-level", "WARNING"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_the_production_configuration(tmp_path):
    env = _production_environment(tmp_path)
    for name in ("CHANCERY_SECURE_SSL_REDIRECT", "CHANCERY_SECURE_COOKIES"):
        assert env[name] == "on", name
    assert int(env["CHANCERY_SECURE_HSTS_SECONDS"]) >= 31536000
    result = _check_deploy(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout
    # the same check without them names what is missing
    bare = {k: v for k, v in env.items() if not k.startswith("CHANCERY_SECURE_")}
    warned = _check_deploy(bare)
    assert warned.returncode != 0
    for code in ("W004", "W008", "W012", "W016"):
        assert f"security.{code}" in warned.stderr + warned.stdout, code


# -- files private from the start ------------------------------------------------------
def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_home_database_and_key_are_private(tmp_path):
    home = tmp_path / "fresh" / "home"
    clean = _outside_environment()
    env = {**clean, "CHANCERY_HOME": str(home)}
    result = subprocess.run(
        [CHANCERY, "migrate", "--no-input"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert _mode(home) == 0o700
    assert _mode(home / "secret_key") == 0o600
    assert _mode(home / "chancery.sqlite3") == 0o600
    assert not list(home.glob(".secret_key.*"))  # no temporary key left behind
    # a write in WAL mode: its -wal and -shm files take the database's mode
    script = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "c = connection.cursor(); c.execute('CREATE TABLE t (x)')\n"
        "c.execute('INSERT INTO t VALUES (1)')\n"
        "import os, stat, glob\n"
        "print(sorted((os.path.basename(p), oct(stat.S_IMODE(os.stat(p).st_mode)))"
        " for p in glob.glob(os.environ['CHANCERY_HOME'] + '/chancery.sqlite3*')))\n"
    )
    modes = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "chancery.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert modes.returncode == 0, modes.stderr
    files = dict(ast.literal_eval(modes.stdout.strip()))
    assert "chancery.sqlite3-wal" in files, files
    assert set(files.values()) == {"0o600"}, files


def test_an_old_world_readable_key_is_made_private(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "secret_key").write_text("an-old-key-" * 6)
    (home / "secret_key").chmod(0o644)
    clean = _outside_environment()
    result = subprocess.run(
        [sys.executable, "-c", "import chancery.settings as s; print(len(s.SECRET_KEY))"],
        env={**clean, "CHANCERY_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert _mode(home / "secret_key") == 0o600
    assert (home / "secret_key").read_text() == "an-old-key-" * 6  # the same key, kept


def test_uploads_are_not_world_readable():
    name = default_storage.save("scans/2026/new/scan.png", ContentFile(b"\x89PNG..."))
    path = Path(default_storage.path(name))
    assert _mode(path) & 0o007 == 0, oct(_mode(path))
    assert _mode(path.parent) & 0o007 == 0, oct(_mode(path.parent))
    assert os.umask(os.umask(0o027)) == 0o027  # the process umask the settings set
