"""A broad search lists the first values of each facet beside its results and links to a
page listing them all (#18: hundreds of facet links per page were slow to render and to
read); the values there lead back to the results, narrowed."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from lxml import html as lxml_html

from chancery.corpus.models import Document
from chancery.search.indexing import index_documents, indexing_paused
from chancery.search.page import FACET_SHOWN, FacetOption, SearchPage

from .factories import CollectionFactory, DocumentFactory, SubjectFactory
from .queries import settled

pytestmark = [pytest.mark.django_db, pytest.mark.engine]

MANY = FACET_SHOWN + 8


@pytest.fixture
def broad(db):
    """MANY treaties in a volume and MANY subjects: treaty k holds subjects k to MANY - 1,
    so subject n is on n + 1 treaties (the last, most frequent, listed first)."""
    volume = CollectionFactory(title="Treaties", slug="treaties")
    subjects = [
        SubjectFactory(name=f"Subject {n:02d}", slug=f"subject-{n:02d}") for n in range(MANY)
    ]
    with indexing_paused():
        for k in range(MANY):
            DocumentFactory(
                public_id=f"t/{k}", title=f"Treaty {k}", subjects=subjects[k:],
                collections=[volume],
            )  # fmt: skip
    index_documents(Document.objects.values_list("pk", flat=True))
    return subjects


def _tree(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return lxml_html.fromstring(response.content)


def _subject_links(tree, scope="//section[@aria-labelledby='facet-subject']"):
    return [" ".join(a.text_content().split()) for a in tree.xpath(f"{scope}//li/a")]


def test_the_results_list_the_first_values_and_link_to_all(client, broad):
    tree = _tree(client, "/search/?q=treaty&sort=date")
    shown = _subject_links(tree)
    assert shown == [f"Subject {n:02d}" for n in range(MANY - 1, MANY - 1 - FACET_SHOWN, -1)]
    more = tree.xpath("//section[@aria-labelledby='facet-subject']//p[@class='facet-more']/a")
    assert " ".join(more[0].text_content().split()) == "All values of Subject"
    url = urlsplit(more[0].get("href"))
    assert url.path == "/search/facet/subject/"
    assert parse_qsl(url.query) == [("q", "treaty"), ("sort", "date")]


def test_the_facet_page_lists_every_value_leading_back_narrowed(client, broad):
    tree = _tree(client, "/search/facet/subject/?q=treaty&page=2")
    assert " ".join(tree.xpath("//h1")[0].text_content().split()) == f"Subject: {MANY} values"
    links = tree.xpath("//section[@aria-labelledby='facet-subject']//li/a")
    assert len(links) == MANY
    assert tree.xpath("//a[text()='Back to the results']/@href") == ["/search/?q=treaty"]
    rare = next(a for a in links if a.text_content() == "Subject 00")
    assert rare.getnext().text_content() == "1"
    narrowed = _tree(client, rare.get("href"))
    assert narrowed.xpath("//p[@class='range']")[0].text_content().strip() == "1 - 1 of 1"
    assert "Treaty 0" in narrowed.xpath("//h3[@class='hit-title']")[0].text_content()


def test_a_selected_value_far_down_stays_listed():
    # a disjunctive facet (type, decade) keeps each value's own count when one is chosen
    options = [FacetOption(f"v{n}", f"Value {n}", 100 - n, n == MANY - 1, "") for n in range(MANY)]
    page = SearchPage(
        query=None, form=None, hits=[], total=0, page=1, per_page=10, num_pages=1,
        facets={"type": options}, params=[("q", "treaty"), ("page", "2")], base_path="/search/",
    )  # type: ignore[arg-type]  # fmt: skip
    [(name, label, shown, more)] = page.facet_groups
    assert [o.label for o in shown] == [*(f"Value {n}" for n in range(FACET_SHOWN)), "Value 19"]
    assert (name, label, more) == ("type", "Type", "/search/facet/type/?q=treaty")


def test_a_selected_value_tied_below_the_first_stays_listed(client, db):
    # every subject on both treaties: the first twelve by label, the chosen last one after
    # them, and the link to them all
    subjects = [SubjectFactory(name=f"Subject {n:02d}", slug=f"subject-{n:02d}")
                for n in range(MANY)]  # fmt: skip
    for k in range(2):
        DocumentFactory(public_id=f"t/{k}", title=f"Treaty {k}", subjects=subjects)
    tree = _tree(client, f"/search/?q=treaty&subject=subject-{MANY - 1:02d}")
    shown = _subject_links(tree)
    first = [f"Subject {n:02d}" for n in range(FACET_SHOWN)]
    assert shown == [*first, f"Remove filter: Subject {MANY - 1:02d}"]
    more = tree.xpath("//section[@aria-labelledby='facet-subject']//p[@class='facet-more']/a")
    assert " ".join(more[0].text_content().split()) == "All values of Subject"


def test_a_chosen_value_is_marked_on_the_facet_page(client, broad):
    listing = _tree(client, "/search/facet/subject/?q=treaty&subject=subject-00")
    chosen = listing.xpath("//li/a[@aria-current='true']")
    assert [" ".join(a.text_content().split()) for a in chosen] == ["Remove filter: Subject 00"]
    assert chosen[0].get("href") == "/search/?q=treaty"


def test_a_collection_page_lists_its_values_too(client, broad):
    tree = _tree(client, "/collection/treaties/?q=treaty")
    more = tree.xpath("//section[@aria-labelledby='facet-subject']//p[@class='facet-more']/a")
    assert more[0].get("href") == "/collection/treaties/facet/subject/?q=treaty"
    listing = _tree(client, more[0].get("href"))
    links = listing.xpath("//section[@aria-labelledby='facet-subject']//li/a/@href")
    assert len(links) == MANY
    assert all(h.startswith("/collection/treaties/?q=treaty&subject=") for h in links)


def test_an_unknown_facet_is_404_and_a_bad_search_400(client, broad):
    assert client.get("/search/facet/colour/?q=treaty").status_code == 404
    bad = client.get("/search/facet/subject/?q=treaty&subject=no-such-subject")
    assert bad.status_code == 400
    assert "There is no subject" in bad.content.decode()


def _aside(tree) -> str:
    return lxml_html.tostring(tree.xpath("//aside[@class='facets']")[0], encoding="unicode")


def test_paging_keeps_the_same_filters_and_a_write_renews_them(client, broad):
    settled()
    first = _tree(client, "/search/?q=treaty&per_page=5")
    second = _tree(client, "/search/?q=treaty&per_page=5&page=2")
    assert _aside(second) == _aside(first)
    assert second.xpath("//p[@class='range']")[0].text_content().strip() == f"6 - 10 of {MANY}"
    assert "Subject 00" not in _subject_links(second)
    # a new treaty: the next page shows its subject's new count, not the kept facets
    DocumentFactory(public_id="t/new", title="Treaty new", subjects=broad[:1])
    settled()
    third = _tree(client, "/search/?q=treaty&per_page=5&page=3")
    assert third.xpath("//p[@class='range']")[0].text_content().strip() == f"11 - 15 of {MANY + 1}"
    listing = _tree(client, "/search/facet/subject/?q=treaty")
    values = listing.xpath("//section[@aria-labelledby='facet-subject']//li/a")
    counts = {a.text_content(): a.getnext().text_content() for a in values}
    assert counts["Subject 00"] == "2"
    assert _aside(third) != _aside(first)


def test_the_json_api_lists_every_value_the_page_lists_a_few_of(client, broad):
    # the page makes links of the first values only; the API still answers with all
    page = _tree(client, "/search/?q=treaty")
    assert len(_subject_links(page)) == FACET_SHOWN
    more = page.xpath("//section[@aria-labelledby='facet-subject']//p[@class='facet-more']/a")
    assert " ".join(more[0].text_content().split()) == "All values of Subject"
    answer = client.get("/api/v1/search?q=treaty").json()
    subjects = answer["facets"]["subject"]
    assert len(subjects) == MANY
    assert subjects[-1]["label"] == "Subject 00"
    assert subjects[-1]["url"].endswith("/api/v1/search?q=treaty&subject=subject-00")


def test_the_bar_above_one_result_keeps_the_search_escaped(client, broad):
    # the range, sort form and downloads are written in Python (templatetags.results_bar)
    tree = _tree(client, '/search/?q=treaty+"<b>&subject=subject-00&q2=x"y')
    assert "<b>" not in tree.xpath("//p[@class='range']")[0].text_content()
    form = tree.xpath("//form[@class='sort']")[0]
    kept = [(i.get("name"), i.get("value")) for i in form.xpath("input[@type='hidden']")]
    assert kept == [("q", 'treaty "<b>'), ("subject", "subject-00"), ("q2", 'x"y')]
    downloads = tree.xpath("//div[@class='export-links']")[0]
    assert downloads.get("data-records") == "1"
    assert " ".join(downloads.text_content().split()).startswith("Download this result: CSV")


def test_filters_that_find_nothing_stay_listed_to_be_removed(client, broad):
    # no treaty has both subjects' words and this one; the chosen values are still shown,
    # at 0, each with the link that removes it, and the filters can be dropped at once
    tree = _tree(client, "/search/?q=zanzibar&subject=subject-00&decade=1950&type=telegram")
    assert "No documents match" in tree.xpath("//div[@class='empty']")[0].text_content()
    chips = tree.xpath("//ul[@class='active-filters']//a")
    assert [" ".join(a.text_content().split()) for a in chips] == [
        "Subject: Subject 00 × (remove)", "Type: Telegram × (remove)", "Decade: 1950s × (remove)",
    ]  # fmt: skip
    assert parse_qsl(urlsplit(chips[0].get("href")).query) == [
        ("q", "zanzibar"), ("decade", "1950"), ("type", "telegram"),
    ]  # fmt: skip
    assert _subject_links(tree) == ["Remove filter: Subject 00"]
    removing = tree.xpath("//div[@class='empty']//a[text()='removing the filters and dates']")
    assert removing[0].get("href") == "/search/?q=zanzibar"
