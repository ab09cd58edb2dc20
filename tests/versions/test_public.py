"""What readers and harvesters see of corrections: revision notes, version pages, 410s."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import html

from chancery.corpus import models as m
from chancery.oai.models import Tombstone

from .conftest import change_url, read_form

pytestmark = pytest.mark.django_db


def correct_date(client, doc, date="1958-03-04", note="date corrected"):
    data = read_form(client, change_url(doc))
    data.update(date=[date], public_note=[note])
    assert client.post(change_url(doc), data).status_code == 302


def test_a_corrected_record_says_so_and_keeps_each_version_at_a_stable_url(
    login, record, client, django_assert_max_num_queries
):
    url = record.get_absolute_url()
    connection.queries_log.clear()  # a full log (maxlen) would capture nothing
    with CaptureQueriesContext(connection) as before:
        page = client.get(url).content.decode()
    queries = len(before.captured_queries)
    assert "Revised" not in page and "Version 1" in page
    for _ in range(3):  # more versions, no more queries
        correct_date(login(f"rhea{_}", "reviewer"), record, note="")
    correct_date(login("rhea", "reviewer"), record)
    connection.queries_log.clear()
    with django_assert_max_num_queries(queries):
        page = client.get(url)
    tree = html.fromstring(page.content)
    revised = tree.xpath("//p[@class='revised']")[0].text_content()
    today = datetime.now(UTC)
    assert f"Revised {today.day} {today:%B %Y}: date corrected" in revised
    versions = [a.get("href") for a in tree.xpath("//section[@class='versions']//a")]
    assert versions == [f"{url}v/{n}/" for n in range(1, 6)]

    first = html.fromstring(client.get(versions[0]).content)
    assert "March 3, 1958" in first.xpath("//p[@class='record-date']")[0].text_content()
    assert "The ambassador called at noon." in first.text_content()  # the text it quoted
    assert "See the current version" in first.text_content()
    second = html.fromstring(client.get(versions[-1]).content)
    assert "March 4, 1958" in second.xpath("//p[@class='record-date']")[0].text_content()
    assert client.get(f"{url}v/6/").status_code == 404
    assert client.get(f"{url}v/0/").status_code == 404


def test_a_change_awaiting_review_is_not_public(login, record, client):
    correct_date(login("erin", "editor"), record)
    page = client.get(record.get_absolute_url()).content.decode()
    assert "March 3, 1958" in page and "Revised" not in page
    assert client.get(f"{record.get_absolute_url()}v/2/").status_code == 404


def test_a_draft_version_is_never_public(login, client, db):
    doc = m.Document.objects.create(public_id="d/1", title="Draft memo", status="draft")
    rhea = login("rhea", "reviewer")
    data = read_form(rhea, change_url(doc))
    data.update(status=["published"])
    assert rhea.post(change_url(doc), data).status_code == 302
    page = html.fromstring(client.get(doc.get_absolute_url()).content)
    # the baseline (a draft) and the publication: only the publication is public, as version 1
    assert len(page.xpath("//section[@class='versions']//li")) == 1
    assert client.get(f"{doc.get_absolute_url()}v/1/").status_code == 200
    assert client.get(f"{doc.get_absolute_url()}v/2/").status_code == 404


def test_a_withdrawn_record_is_gone_with_its_reason_and_the_tombstone_is_exported(
    login, record, client, tmp_path
):
    rhea = login("rhea", "reviewer")
    data = read_form(rhea, change_url(record))
    data.update(status=["draft"], public_note=["a duplicate of frus1958v01/d8"])
    assert rhea.post(change_url(record), data).status_code == 302
    for url in (record.get_absolute_url(), f"{record.get_absolute_url()}v/1/"):
        response = client.get(url)
        assert response.status_code == 410
        assert "a duplicate of frus1958v01/d8" in response.content.decode()
    assert client.get("/document/never-was/").status_code == 404

    out = tmp_path / "archive.jsonl"
    call_command("export", "jsonl", str(out), stdout=io.StringIO())
    assert "a duplicate of frus1958v01/d8" in out.read_text(encoding="utf-8")
    m.Document.objects.all().delete()
    Tombstone.objects.all().delete()
    call_command("import", "jsonl", str(out), "--no-progress", stdout=io.StringIO())
    assert Tombstone.objects.get(identifier=record.public_id).reason == (
        "a duplicate of frus1958v01/d8"
    )


def test_an_old_citation_finds_the_text_it_quoted_after_a_correction(login, record, client):
    """A citation made before a correction (the record's address, the day it was read)
    leads to the corrected record, which names the correction and links the version in
    force that day: the text the citation quoted."""
    import json

    (item,) = json.loads(client.get(f"{record.get_absolute_url()}cite.json").content)
    cited_on = item["accessed"]["date-parts"][0]
    rhea = login("rhea", "reviewer")
    data = read_form(rhea, change_url(record))
    data.update(date=["1958-03-04"], public_note=["date corrected"],
                **{"translations-0-html": ["<p>The ambassador called at dusk.</p>"]})  # fmt: skip
    assert rhea.post(change_url(record), data).status_code == 302

    page = html.fromstring(client.get(item["URL"]).content)
    assert "The ambassador called at dusk." in page.text_content()
    assert "date corrected" in page.xpath("//p[@class='revised']")[0].text_content()
    links = page.xpath("//section[@class='versions']//a")
    first = links[0]
    day = "{:04d}-{:02d}-{:02d}".format(*cited_on)
    assert first.getparent().xpath("time/@datetime") == [day]  # version 1, in force that day
    quoted = html.fromstring(client.get(first.get("href")).content)
    assert "The ambassador called at noon." in quoted.text_content()
    assert "March 3, 1958" in quoted.xpath("//p[@class='record-date']")[0].text_content()
    assert "See the current version" in quoted.text_content()
