"""Accounts in each role, made the documented way, and an admin form read as a browser would."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from lxml import html

from chancery.corpus import models as m


@pytest.fixture
def make_user(db, monkeypatch):
    monkeypatch.setenv("CHANCERY_PASSWORD", "archives are forever 1958")

    def make(name: str, role: str = "editor", *collections: str):
        args = [f"--collection={slug}" for slug in collections]
        call_command("createuser", name, f"--role={role}", *args, stdout=io.StringIO())
        return get_user_model().objects.get(username=name)

    return make


@pytest.fixture
def login(make_user):
    def login(name: str, role: str = "editor", *collections: str) -> Client:
        client = Client()
        client.force_login(make_user(name, role, *collections))
        return client

    return login


def read_form(client: Client, url: str) -> dict:
    """The change form at ``url`` (``/admin/<app>/<model>/…``) as a browser would submit it."""
    page = client.get(url)
    assert page.status_code == 200, url
    model_name = url.strip("/").split("/")[2]
    form = html.fromstring(page.content).get_element_by_id(f"{model_name}_form")
    data: dict[str, list] = {}
    for field in form.inputs:
        kind = getattr(field, "type", "")
        if (
            not field.name
            or kind in ("submit", "file")
            or (kind == "checkbox" and not field.checked)
        ):
            continue
        value = field.value
        values = list(value) if getattr(field, "multiple", False) else [value]
        data.setdefault(field.name, []).extend(v for v in values if v is not None)
    return data


def change_url(doc: m.Document) -> str:
    return f"/admin/corpus/document/{doc.pk}/change/"


@pytest.fixture
def record(db):
    """A published document with a subject, a collection and a translation (as imported)."""
    from chancery.versions.history import version_documents

    coll = m.Collection.objects.create(title="Cold War", slug="cold-war")
    doc = m.Document.objects.create(
        public_id="frus1958v01/d7", title="Telegram from Moscow", date="1958-03-03",
        status=m.Document.PUBLISHED,
    )  # fmt: skip
    doc.subjects.add(m.Subject.objects.create(name="Nuclear weapons"))
    m.Membership.objects.create(collection=coll, document=doc)
    m.Translation.objects.create(document=doc, html="<p>The ambassador called at noon.</p>")
    version_documents([doc.pk], None, comment="As first imported")
    return m.Document.objects.get(pk=doc.pk)
