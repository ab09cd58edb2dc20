"""Every editorial change is an attributed version, with a diff, and can be reverted."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.core.management import call_command
from reversion.models import Version

from chancery.corpus import models as m
from chancery.versions.history import versions_of
from chancery.versions.models import RevisionInfo

from .conftest import change_url, read_form

pytestmark = pytest.mark.django_db


def test_an_admin_edit_is_a_version_by_its_editor_with_a_field_and_text_diff(login, record):
    client = login("rhea", "reviewer")
    data = read_form(client, change_url(record))
    data.update(date=["1958-03-04"], public_note=["date corrected"])
    data["translations-0-html"] = ["<p>The ambassador called at dusk.</p>"]
    assert client.post(change_url(record), data).status_code == 302

    versions = list(versions_of(record))
    assert len(versions) == 2
    latest = versions[-1]
    assert latest.revision.user.username == "rhea"
    assert latest.revision.info.note == "date corrected"
    history = client.get(f"/admin/corpus/document/{record.pk}/history/").content.decode()
    assert "rhea" in history and "date corrected" in history

    page = client.get(f"/admin/corpus/document/{record.pk}/history/{latest.pk}/")
    text = page.content.decode()
    assert "<del>1958-03-03</del>" in text and "<ins>1958-03-04</ins>" in text
    assert "<del>noon.</del>" in text and "<ins>dusk.</ins>" in text
    assert "The ambassador called at" in text  # unchanged words kept as context


def test_an_import_versions_each_document_attributed_to_its_run_and_file(tmp_path):
    from tests.ingest.test_csv import ROWS, sheet

    path = tmp_path / "acme.csv"
    path.write_text(sheet(ROWS), encoding="utf-8")
    call_command("import", "csv", str(path), "--as", "nightly", "--no-progress",
                 stdout=io.StringIO())  # fmt: skip
    doc = m.Document.objects.get(public_id="acme/1")
    (version,) = versions_of(doc)
    source = version.revision.info.source
    assert source.name == "nightly" and source.file == "acme.csv"
    assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert "First paragraph." in Version.objects.filter(revision=version.revision).values_list(
        "serialized_data", flat=True
    ).get(content_type__model="translation")

    # importing the same file again changes nothing and makes no version
    call_command("import", "csv", str(path), "--as", "nightly", "--no-progress",
                 stdout=io.StringIO())  # fmt: skip
    assert len(versions_of(doc)) == 1
    # a corrected file: a second version whose diff shows the new title
    rows = [dict(ROWS[0], title="Telegram from Moscow (corrected)"), ROWS[1]]
    path.write_text(sheet(rows), encoding="utf-8")
    call_command("import", "csv", str(path), "--as", "fix-run", "--no-progress",
                 stdout=io.StringIO())  # fmt: skip
    first, second = versions_of(doc)
    assert second.revision.info.source.name == "fix-run"
    from chancery.versions.diff import compare

    changes = {c.label: (c.old, c.new) for c in compare(first, second).fields}
    assert changes["Title"] == ("Telegram from Moscow", "Telegram from Moscow (corrected)")


def test_revert_restores_text_and_relations(login, record):
    client = login("rhea", "reviewer")
    first = versions_of(record).first()
    data = read_form(client, change_url(record))
    other = m.Subject.objects.create(name="Berlin crisis")
    data["subjects"] = [str(other.pk)]
    data["translations-0-html"] = ["<p>Rewritten.</p>"]
    data.update({"transcripts-TOTAL_FORMS": ["1"], "transcripts-0-html": ["<p>Текст.</p>"],
                 "transcripts-0-position": ["0"], "membership_set-0-DELETE": ["on"]})  # fmt: skip
    assert client.post(change_url(record), data).status_code == 302
    assert record.transcripts.count() == 1 and not record.membership_set.exists()

    response = client.post(f"/admin/corpus/document/{record.pk}/history/{first.pk}/revert/")
    assert response.status_code == 302
    record.refresh_from_db()
    assert list(record.subjects.values_list("name", flat=True)) == ["Nuclear weapons"]
    assert record.translations.get().html == "<p>The ambassador called at noon.</p>"
    assert not record.transcripts.exists()
    assert list(record.membership_set.values_list("collection__slug", flat=True)) == ["cold-war"]
    latest = versions_of(record).last()
    assert latest.revision.user.username == "rhea"
    assert latest.revision.comment == "Reverted to version 1"
    assert latest.revision.info.event == "revert"


def test_collections_and_authorities_are_versioned_too(admin_client, db):
    coll = m.Collection.objects.create(title="Cold War", slug="cold-war")
    url = f"/admin/corpus/collection/{coll.pk}/change/"
    data = read_form(admin_client, url)
    data["title"] = ["The Cold War"]
    assert admin_client.post(url, data).status_code == 302
    assert [v.field_dict["title"] for v in versions_of(coll)] == ["Cold War", "The Cold War"]
    agent = m.Agent.objects.create(name="Gromyko")
    url = f"/admin/corpus/agent/{agent.pk}/change/"
    data = read_form(admin_client, url)
    data.update({"name": ["Gromyko, Andrei"], "variants-0-name": ["Громыко"],
                 "variants-0-note": ["Cyrillic"]})  # fmt: skip
    assert admin_client.post(url, data).status_code == 302
    latest = versions_of(agent).last()
    assert latest.field_dict["name"] == "Gromyko, Andrei"
    assert "Громыко" in "".join(
        Version.objects.filter(revision=latest.revision).values_list("serialized_data", flat=True)
    )
    assert RevisionInfo.objects.filter(revision=latest.revision).exists()


def test_bulk_versions_store_what_djangos_serializer_stores(record):
    """Imports serialise documents themselves (fast); reversion must read them back the same."""
    from django.core import serializers

    from chancery.versions.history import _relation_ids, _serialize

    record.people.add(*(m.Agent.objects.create(name=n) for n in ("Zorin", "Acheson")))
    ours = json.loads(
        _serialize(record, "", _relation_ids(m.Document, [record.pk])[record.pk]).serialized_data
    )
    fields = list(reversion_fields(m.Document))
    theirs = json.loads(serializers.serialize("json", [record], fields=fields))
    for name, value in theirs[0]["fields"].items():
        if isinstance(value, list):  # relations: the same ids, in id order
            theirs[0]["fields"][name] = sorted(value)
    assert ours == theirs and len(ours[0]["fields"]["people"]) == 2
    for translation in record.translations.all():
        assert json.loads(_serialize(translation).serialized_data) == json.loads(
            serializers.serialize("json", [translation], fields=reversion_fields(m.Translation))
        )


def reversion_fields(model):
    from reversion.revisions import _get_options

    return _get_options(model).fields


def test_an_edit_in_the_collection_list_is_a_version(admin_client, db):
    coll = m.Collection.objects.create(title="Cold War", slug="cold-war")
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": str(coll.pk),
            "form-0-position": "3", "_save": "Save"}  # fmt: skip
    assert admin_client.post("/admin/corpus/collection/", data).status_code == 302
    assert [v.field_dict["position"] for v in versions_of(coll)] == [3]


def test_reverting_a_person_restores_their_name_and_variant_names(admin_client, db):
    agent = m.Agent.objects.create(name="Gromyko")
    url = f"/admin/corpus/agent/{agent.pk}/change/"
    first = read_form(admin_client, url)
    first.update({"variants-0-name": ["Громыко"], "variants-0-note": ["Cyrillic"]})
    assert admin_client.post(url, first).status_code == 302
    variant = agent.variants.get()
    second = read_form(admin_client, url)  # the variant is form 0 now, an empty one follows
    assert second["variants-0-id"] == [str(variant.pk)]
    second.update({"name": ["Gromyko, Andrei"], "variants-0-DELETE": ["on"]})
    assert admin_client.post(url, second).status_code == 302
    assert not agent.variants.exists()
    baseline, with_variant, renamed = versions_of(agent)  # the first edit made a baseline
    revert = f"/admin/corpus/agent/{agent.pk}/history/{with_variant.pk}/revert/"
    assert admin_client.post(revert).status_code == 302
    agent.refresh_from_db()
    assert agent.name == "Gromyko"
    assert list(agent.variants.values_list("name", flat=True)) == ["Громыко"]
