"""EAD3 out and in: valid against the official schema, and the same archive after a round trip."""

import io

import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from chancery.corpus import models
from chancery.corpus.sanitize import html_to_text
from chancery.corpus.schemas import missing
from chancery.ingest.ead import EAD_NS, SCHEMA, schema

from .conftest import empty_archive

pytestmark = pytest.mark.django_db
NS = {"e": EAD_NS}


def export(key: str, out) -> etree._Element:
    """Export ``key``; the file is checked against the EAD3 schema when it is installed
    (``test_..._export_as_valid_ead3`` requires it)."""
    call_command("export", "ead", key, str(out), stdout=io.StringIO())
    tree = etree.parse(str(out))
    checker = schema()
    if checker is not None:
        checker.assertValid(tree)
    return tree.getroot()


def require_schema() -> None:
    if schema() is None:
        pytest.skip(missing(SCHEMA))


def hierarchy(root_slug: str | None = None) -> list[tuple]:
    """Every collection as (titles from the root down, level, printed title, extent)."""
    rows = []
    for coll in models.Collection.objects.all():
        chain = tuple(a.title for a in coll.ancestors()) + (coll.title,)
        rows.append((chain, coll.level, coll.printed_title, coll.extent, coll.scope_content))
    return sorted(rows)


def squeeze(html: str) -> str:
    return "".join(html_to_text(html).split())


def documents(root: str) -> dict[str, tuple]:
    """Every published document under the collection titled ``root``: title, date, its
    collections there, summary, source, the words of its text."""
    top = models.Collection.objects.get(title=root, parent=None)
    found = {}
    inside = models.Document.objects.published().filter(collections__path__startswith=top.path)
    for doc in inside.distinct().prefetch_related("transcripts", "collections"):
        colls = tuple(sorted(c.title for c in doc.collections.all() if c.path.startswith(top.path)))
        text = "".join(squeeze(t.html) for t in doc.transcripts.all())
        found[doc.public_id] = (doc.title, doc.date, colls, doc.summary, doc.source, text)
    return found


def test_a_collection_and_its_subtree_export_as_valid_ead3(demo, tmp_path):
    require_schema()
    root = export("sino-soviet-relations", tmp_path / "sino.xml")
    archdesc = root.find("e:archdesc", NS)
    assert archdesc.findtext("e:did/e:unittitle", namespaces=NS) == "Sino-Soviet Relations"
    parts = [c.findtext("e:did/e:unittitle", namespaces=NS)
             for c in archdesc.iterfind("e:dsc/e:c", NS)]  # fmt: skip
    assert parts == [
        c.title for c in models.Collection.objects.get(slug="sino-soviet-relations").children.all()
    ]
    assert len(parts) == 2
    items = root.findall(".//e:c[@level='item']", NS)
    sino = models.Collection.objects.get(slug="sino-soviet-relations")
    published = models.Document.objects.published().filter(collections__path__startswith=sino.path)
    assert sorted(i.findtext("e:did/e:unitid", namespaces=NS) for i in items) == sorted(
        published.distinct().values_list("public_id", flat=True)
    )  # drafts are not described
    first = items[0]
    assert first.find("e:did/e:dao", NS).get("href").startswith("/document/")


def test_export_by_identifier_and_unknown_collection(demo, tmp_path):
    models.Collection.objects.filter(slug="sino-soviet-relations").update(identifier="SSR-1")
    export("SSR-1", tmp_path / "by-id.xml")
    with pytest.raises(CommandError, match="no collection with the slug or identifier 'nope'"):
        call_command("export", "ead", "nope", str(tmp_path / "x.xml"))
    assert not (tmp_path / "x.xml").exists()


def test_round_trip_into_an_empty_archive(demo, tmp_path):
    out = tmp_path / "sino.xml"
    sino = models.Collection.objects.get(slug="sino-soviet-relations")
    sino.level, sino.extent, sino.scope_content = "fonds", "2 series", "Soviet and Chinese records."
    sino.save()
    export("sino-soviet-relations", out)
    before_tree = [r for r in hierarchy() if r[0][0] == "Sino-Soviet Relations"]
    before_docs = documents("Sino-Soviet Relations")
    empty_archive()
    call_command("import", "ead", str(out), "--no-progress", stdout=io.StringIO())
    assert hierarchy() == before_tree
    assert documents("Sino-Soviet Relations") == before_docs


def test_a_finding_aid_without_what_the_reader_needs_is_refused_whole(demo, tmp_path):
    """With or without the schema: a component with no ``did`` is refused, naming it."""
    out = tmp_path / "sino.xml"
    export("sino-soviet-relations", out)
    text = out.read_text(encoding="utf-8")
    at = text.rindex("<did>")
    end = text.index("</did>", at)
    broken = tmp_path / "broken.xml"
    broken.write_text(
        text[:at] + "<odd>" + text[at + 5 : end] + "</odd>" + text[end + 6 :], encoding="utf-8"
    )
    empty_archive()
    err = io.StringIO()
    with pytest.raises(CommandError, match="failed"):
        call_command("import", "ead", str(broken), "--no-progress", stdout=io.StringIO(),
                     stderr=err)  # fmt: skip
    assert "broken.xml:" in err.getvalue() and "not valid EAD3" in err.getvalue()
    assert (models.Document.objects.count(), models.Collection.objects.count()) == (0, 0)


def test_a_broken_finding_aid_is_refused_whole(demo, tmp_path):
    require_schema()
    out = tmp_path / "sino.xml"
    export("sino-soviet-relations", out)
    text = out.read_text(encoding="utf-8")
    broken = tmp_path / "broken.xml"
    # an element EAD3 does not have, deep in the file, after components that are fine
    at = text.rindex("<unittitle>")
    broken.write_text(text[:at] + "<shelfmark>9</shelfmark>" + text[at:], encoding="utf-8")
    counts = (models.Document.objects.count(), models.Collection.objects.count())
    empty_archive()
    before = (models.Document.objects.count(), models.Collection.objects.count())
    err = io.StringIO()
    with pytest.raises(CommandError, match="failed"):
        call_command("import", "ead", str(broken), "--no-progress", stdout=io.StringIO(),
                     stderr=err)  # fmt: skip
    line = text[:at].count("\n") + 1
    assert f"broken.xml:{line} (shelfmark)" in err.getvalue()
    assert "not valid EAD3" in err.getvalue()
    assert (models.Document.objects.count(), models.Collection.objects.count()) == before == (0, 0)
    assert counts[0] > 0
    cut = tmp_path / "cut.xml"
    cut.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import", "ead", str(cut), "--no-progress", stdout=io.StringIO(),
                     stderr=(err := io.StringIO()))  # fmt: skip
    assert "cut.xml:" in err.getvalue() and "malformed XML" in err.getvalue()
    assert models.Collection.objects.count() == 0


def test_a_frus_volume_round_trips_through_ead3(frus_archive, tmp_path):
    volume = models.Collection.objects.get(identifier="frus1861")
    out = tmp_path / "frus1861.xml"
    root = export("frus1861", out)
    assert root.find("e:archdesc", NS).get("otherlevel") == "volume"
    in_volume = set(
        models.Document.objects.filter(collections__path__startswith=volume.path).values_list(
            "public_id", flat=True
        )
    )
    assert len(root.findall(".//e:c[@level='item']", NS)) == len(in_volume) > 100
    before_tree = [r for r in hierarchy() if r[0][0] == volume.title]
    before_docs = documents(volume.title)
    empty_archive()
    call_command("import", "ead", str(out), "--no-progress", stdout=io.StringIO())
    assert hierarchy() == before_tree
    after = documents(volume.title)
    assert after.keys() == before_docs.keys()
    for public_id, row in before_docs.items():
        assert after[public_id] == row, public_id
    order = list(
        models.Membership.objects.order_by("position").values_list("document__public_id", flat=True)
    )
    assert order == [
        i.findtext("e:did/e:unitid", namespaces=NS)
        for i in root.iterfind(".//e:c[@level='item']", NS)
    ]  # volume order kept


def test_an_export_imported_again_updates_the_same_collections(demo, tmp_path):
    out = tmp_path / "sino.xml"
    export("sino-soviet-relations", out)
    before = models.Collection.objects.count()
    result = io.StringIO()
    call_command("import", "ead", str(out), "--no-progress", stdout=result)
    assert models.Collection.objects.count() == before
    assert "0 created" in result.getvalue()
