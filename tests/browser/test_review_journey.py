"""Tried as a new user would, in a real browser: an editor corrects a document's date, a
reviewer publishes the correction, readers see the revision note and the earlier version,
and the reviewer reverts it — every page under the Content-Security-Policy and axe."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command

from chancery.corpus import models
from chancery.versions.history import version_documents

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "archives are forever 1958"


def create(name: str, role: str) -> None:
    os.environ["CHANCERY_PASSWORD"] = PASSWORD
    try:
        call_command("createuser", name, f"--role={role}")
    finally:
        del os.environ["CHANCERY_PASSWORD"]


def log_in(browser, base: str, name: str):
    page = browser.new_context().new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()  # the session is set before the next page is asked for
    return page


def test_a_date_correction_is_reviewed_published_shown_and_reverted(live_server, page, browser):
    base = live_server.url
    create("erin", "editor")
    create("rhea", "reviewer")
    doc = models.Document.objects.create(
        public_id="frus1958v01/d7", title="Telegram from Moscow", date="1958-03-03",
        status=models.Document.PUBLISHED,
    )  # fmt: skip
    models.Translation.objects.create(document=doc, html="<p>The ambassador called at noon.</p>")
    version_documents([doc.pk], None, comment="As first imported")
    change = f"{base}/admin/corpus/document/{doc.pk}/change/"

    editor = log_in(browser, base, "erin")
    editor.goto(change)
    editor.locator("#id_date").fill("1958-03-04")
    editor.locator("#id_public_note").fill("date corrected")
    editor.locator("input[name='_save']").click()
    assert "awaits review" in editor.locator(".messagelist").inner_text()
    page.goto(base + doc.get_absolute_url())
    assert "March 3, 1958" in page.locator(".record-date").inner_text()  # not yet public

    reviewer = log_in(browser, base, "rhea")
    reviewer.goto(change)
    reviewer.get_by_role("link", name="see it and publish it").click()
    assert "1958-03-04" in reviewer.locator("table.field-diff ins").first.inner_text()
    reviewer.get_by_role("button", name="Publish this change").click()
    assert "Change published" in reviewer.locator(".messagelist").inner_text()

    page.goto(base + doc.get_absolute_url())
    assert "March 4, 1958" in page.locator(".record-date").inner_text()
    assert "date corrected" in page.locator(".revised").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Version 1").click()
    assert page.url.endswith("/v/1/")
    assert "March 3, 1958" in page.locator(".record-date").inner_text()
    assert "The ambassador called at noon." in page.locator(".text").inner_text()
    assert axe_violations(page) == []

    # the reviewer reverts to version 1 from the history
    reviewer.goto(change)
    reviewer.get_by_role("link", name="History").click()
    reviewer.get_by_role("link", name="Changes in version 1").click()
    reviewer.get_by_role("button", name="Revert to version 1").click()
    assert "Reverted" in reviewer.locator(".messagelist").inner_text()
    page.goto(base + doc.get_absolute_url())
    assert "March 3, 1958" in page.locator(".record-date").inner_text()
    for other in (editor, reviewer):
        other.context.close()
