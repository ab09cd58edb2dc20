"""Importing real FRUS volumes: what a reader and an archivist would check."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from chancery.corpus import models
from chancery.corpus.hierarchy import clean_title
from chancery.ingest.models import SourceKey

from .conftest import VOLUMES

pytestmark = pytest.mark.django_db
TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


def volume_docs(folder, name):
    root = etree.parse(str(folder / name)).getroot()
    return [d for d in root.iter(TEI + "div") if d.get("type") == "document"]


def counts():
    return tuple(
        model.objects.count()
        for model in (
            models.Document,
            models.Collection,
            models.Agent,
            models.Place,
            models.Transcript,
            models.Membership,
        )
    )


def test_one_document_per_document_div_each_with_a_title(frus_archive):
    for name in VOLUMES:
        volume = name.removesuffix(".xml")
        divs = volume_docs(frus_archive, name)
        with_id = {f"{volume}/{d.get(XML_ID)}" for d in divs if d.get(XML_ID)}
        stored = set(
            models.Document.objects.filter(public_id__startswith=volume + "/").values_list(
                "public_id", flat=True
            )
        )
        assert len(stored) == len(divs)
        assert with_id <= stored
    assert not models.Document.objects.filter(title="").exists()
    assert models.Document.objects.exclude(status=models.Document.PUBLISHED).count() == 0


def test_documents_with_a_when_date_have_exactly_that_date(frus_archive):
    checked = 0
    for name in VOLUMES:
        volume = name.removesuffix(".xml")
        dates = models.Document.objects.filter(public_id__startswith=volume + "/")
        stored = dict(dates.values_list("public_id", "date"))
        for div in volume_docs(frus_archive, name):
            date = div.find(f"{TEI}dateline//{TEI}date[@when]")
            if date is None or not div.get(XML_ID):
                continue
            nested = [a for a in date.iterancestors(TEI + "div") if a.get("type") == "document"]
            if nested[0] is not div:
                continue
            public_id = f"{volume}/{div.get(XML_ID)}"
            assert stored[public_id] == date.get("when")[:10], public_id
            checked += 1
    assert checked > 500


def test_documents_dated_only_in_their_heading_get_that_date(frus_archive):
    # "Announcement by President Wilson of the Signing of the Armistice, November 11, 1918"
    assert models.Document.objects.get(public_id="frus1919Parisv01/d1").date == "1918-11-11"


def test_chapters_become_nested_collections_in_order(frus_archive):
    root = etree.parse(str(frus_archive / "frus1919Parisv01.xml")).getroot()
    body = root.find(f"{TEI}text/{TEI}body")
    chapters = [clean_title(" ".join("".join(d.find(TEI + "head").itertext()).split()))[0]
                for d in body.findall(TEI + "div")]  # fmt: skip
    volume = models.Collection.objects.get(
        title__startswith="Papers Relating to the Foreign Relations"
    )
    volume = models.Collection.objects.get(
        pk=SourceKey.objects.get(key="frus1919Parisv01").object_id
    )
    assert volume.parent is None and "1919" in volume.title
    assert list(volume.children.order_by("position").values_list("title", flat=True)) == chapters
    # documents keep their order in the volume inside their chapter
    chapter = max(volume.children.all(), key=lambda c: c.membership_set.count())
    ordered = list(models.Membership.objects.filter(collection=chapter).order_by("position"))
    numbers = [int(ms.document.public_id.rsplit("/d", 1)[1]) for ms in ordered]
    assert numbers == sorted(numbers) and numbers


def test_enclosures_are_attached_to_their_parent(frus_archive):
    attached = models.Document.objects.filter(public_id__startswith="frus1861/").exclude(
        attached_to=None
    )
    assert attached.count() == 79
    child = attached.first()
    assert child.attached_to.public_id.startswith("frus1861/")
    assert child.attached_to.transcripts.first().html.count("Enclosure") >= 1


def test_people_are_shared_across_documents_with_their_full_names(frus_archive):
    wilson = models.Agent.objects.get(
        pk=SourceKey.objects.get(key="frus1919Parisv01#p_WW1").object_id
    )
    assert wilson.name == "Wilson, Woodrow"
    assert "President of the United States" in wilson.description
    assert wilson.mentioned_in.count() > 50
    variants = set(wilson.variants.values_list("name", flat=True))
    assert "Woodrow Wilson" in variants
    assert "Wilson" not in variants  # a lone surname is no form of the full name
    # the heading's sender is the creator: "The British Secretary … (Balfour) to the Secretary"
    balfour = models.Document.objects.get(public_id="frus1919Parisv01/d9").creators.get()
    assert balfour.name == "Balfour, Arthur James"
    derby = models.Agent.objects.get(
        pk=SourceKey.objects.get(key="frus1919Parisv01#p_DEGVS1").object_id
    )
    assert "Edward George V. Stanley" in set(derby.variants.values_list("name", flat=True))


def test_a_document_shows_its_footnotes_and_page_numbers(frus_archive, client):
    doc = (
        models.Document.objects.filter(
            public_id__startswith="frus1919Parisv01/", transcripts__html__contains="footnote-ref"
        )
        .filter(transcripts__html__contains='class="pb"')
        .first()
    )
    page = client.get(doc.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    note = re.search(r'<a href="#(fn-[^"]+)" id="(fnref-[^"]+)"', html)
    assert note, "a numbered footnote reference"
    assert f'<li id="{note.group(1)}">' in html and f'href="#{note.group(2)}"' in html
    # a page marker: the anchor a page citation points to, linking to that citation
    assert re.search(
        r'<span class="pb" id="page-(\w+)" data-page="\1"><a href="#cite-page-\1" '
        r'title="Cite page \1">\[Page \1\]</a></span>',
        html,
    )
    assert doc.source in html or not doc.source
    assert 'rel="prev"' in html or 'rel="next"' in html  # its collection's neighbours


def test_place_repository_publisher_and_rights_come_from_the_volume(frus_archive):
    doc = models.Document.objects.get(public_id="frus1919Parisv01/d6")
    assert doc.rights.name == "Public domain"
    assert doc.publishers.get().name == "United States Government Printing Office"
    assert doc.repositories.exists()
    assert doc.places.exists()
    assert doc.transcripts.get().language_id == "eng"


def test_reimport_changes_no_count(frus_archive):
    before = counts()
    out = io.StringIO()
    call_command("import", "tei", str(frus_archive / VOLUMES[1]), "--no-progress", stdout=out)
    assert counts() == before
    assert "0 created, 0 updated, 409 unchanged" in out.getvalue()


def test_truncated_xml_is_refused_by_file_and_line_leaving_the_archive_as_it_was(
    frus_archive, tmp_path
):
    text = (frus_archive / "frus1901China.xml").read_text(encoding="utf-8")
    broken = tmp_path / "truncated.xml"
    broken.write_text(text[: len(text) // 2], encoding="utf-8")
    before = counts()
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 failed"):
        call_command(
            "import", "tei", str(broken), "--no-progress", stderr=err, stdout=io.StringIO()
        )
    assert re.search(r"truncated\.xml:\d+: malformed XML", err.getvalue())
    assert counts() == before


def test_dry_run_writes_nothing(frus_archive):
    before = counts()
    out = io.StringIO()
    call_command("import", "tei", str(frus_archive / "frus1901China.xml"), "--dry-run",
                 "--no-progress", stdout=out)  # fmt: skip
    assert "Dry run, nothing written: 312 created" in out.getvalue()
    assert counts() == before
