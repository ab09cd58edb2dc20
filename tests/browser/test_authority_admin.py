"""An archivist merges two records of one man in the back office, then splits off what was
wrongly merged: addresses redirect and search counts follow, in a real Chromium."""

import io

import pytest

from chancery.corpus import models

from ..factories import AgentFactory, DocumentFactory
from .conftest import axe_violations
from .test_xss_escalation import ROOT_PASSWORD, create_user, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def found(page, base: str, query: str) -> str:
    page.goto(base + "/search/?" + query)
    return page.locator("p.range").inner_text()


def test_merge_then_split_in_the_admin(live_server, page, browser):
    base = live_server.url
    create_user("root", ROOT_PASSWORD, superuser=True)
    full = AgentFactory(name="Wilson, Woodrow", slug="wilson-woodrow")
    natural = AgentFactory(name="Woodrow Wilson", slug="woodrow-wilson")
    for n in range(4):
        DocumentFactory(title=f"Telegram {n} on the treaty").people.add(full)
    letters = [DocumentFactory(title=f"Letter {n} to the Senate") for n in range(2)]
    for letter in letters:
        letter.creators.add(natural)
    assert "1 - 4 of 4" in found(page, base, "q=person%3A%22Wilson%2C+Woodrow%22")

    log_in(page, base, "root", ROOT_PASSWORD)
    page.goto(base + "/admin/corpus/agent/")
    for name in ("Wilson, Woodrow", "Woodrow Wilson"):
        page.get_by_label(f"Select this object for an action - {name}", exact=True).check()
    page.locator("select[name=action]").select_option("merge_selected")
    page.locator("button[name=index]").click()
    assert "Merged Woodrow Wilson into Wilson, Woodrow" in page.locator(".messagelist").inner_text()

    response = page.goto(base + "/person/woodrow-wilson/")
    assert response.request.redirected_from.url.endswith("/person/woodrow-wilson/")
    assert page.url == base + "/person/wilson-woodrow/"
    assert "Documents (6)" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    assert "1 - 6 of 6" in found(page, base, "q=person%3A%22Woodrow+Wilson%22")

    page.goto(base + f"/admin/corpus/agent/{full.pk}/change/")
    page.get_by_role("link", name="Split").click()
    page.get_by_label("Name of the new record").fill("Woodrow Wilson")
    for letter in letters:
        page.get_by_label(f"{letter.public_id} – {letter.title}").check()
    page.get_by_label("Woodrow Wilson", exact=True).check()
    page.get_by_role("button", name="Split").click()
    assert "Split 2 documents off as Woodrow Wilson" in page.locator(".messagelist").inner_text()

    # a reader whose browser never followed the (day-long) redirect gets the record again
    reader = browser.new_context().new_page()
    reader.goto(base + "/person/woodrow-wilson/")
    assert reader.url == base + "/person/woodrow-wilson/"
    assert "Documents (2)" in reader.locator("main").inner_text()
    assert "1 - 4 of 4" in found(reader, base, "q=person%3A%22Wilson%2C+Woodrow%22")
    reader.context.close()
    assert models.Agent.objects.get(slug="woodrow-wilson").created_documents.count() == 2


def test_people_by_letter_is_accessible(live_server, page):
    for n, name in enumerate(["Hay, John", "Hill, David J.", "Rockhill, William W."]):
        DocumentFactory().people.add(AgentFactory(name=name, slug=f"p{n}"))
    page.goto(live_server.url + "/people/")
    page.get_by_role("navigation", name="People by letter").get_by_role("link", name="H").click()
    page.wait_for_load_state()
    assert page.locator("main li a").filter(has_text="Hay").count() == 1
    assert "Rockhill" not in page.locator("main ul.columns").inner_text()
    page.get_by_label("Filter by name").fill("hill")
    page.get_by_role("button", name="Filter").click()
    assert page.locator("main ul.columns").inner_text().count("Hill") == 1
    assert axe_violations(page) == []


def test_a_relation_reads_both_ways_and_a_matched_place_shows_its_country(live_server, page):
    from django.core.management import call_command

    from ..factories import PlaceFactory

    hay = AgentFactory(name="Hay, John", slug="hay-john")
    state = AgentFactory(name="Department of State", slug="state", kind="organisation")
    for agent in (hay, state):
        DocumentFactory(title=f"About {agent.name}").people.add(agent)
    models.AgentRelation.objects.create(agent=hay, other=state, dates="1898–1905",
                                        relation_type="hierarchical-parent")  # fmt: skip
    page.goto(live_server.url + "/person/hay-john/")
    relations = page.locator("ul.relations")
    assert relations.inner_text() == "Subordinate to Department of State, 1898–1905"
    assert axe_violations(page) == []
    relations.get_by_role("link", name="Department of State").click()
    assert page.locator("ul.relations").inner_text() == "Superior of Hay, John, 1898–1905"

    danzig = PlaceFactory(name="Danzig", slug="danzig")
    DocumentFactory(title="Free City").places.add(danzig)
    call_command("match_places", stdout=io.StringIO())
    page.goto(live_server.url + "/place/danzig/")
    main = page.locator("main").inner_text()
    assert "Part of Poland" in main and "54.352270, 18.649120" in main
    assert axe_violations(page) == []
