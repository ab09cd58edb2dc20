"""Tried as a new user would, in a real browser: a reviewer opens a scan's machine-read
text in the admin, corrects a misread word line by line beside the page image (keyboard
only, the line being edited marked on the image), saves, and finds the corrected word in
search, matched in the transcript — every page under the Content-Security-Policy and axe."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command

from chancery.ocr.models import MachineText

from ..factories import DocumentFactory
from ..iiif.scans import add_scan
from ..ocr.pages import draw_page
from ..ocr.test_correction import misread
from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "archives are forever 1958"


def test_a_misread_word_is_corrected_beside_the_scan_then_found(live_server, page, monkeypatch):
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    base = live_server.url
    doc = DocumentFactory(public_id="ocr/journey", title="Telegram on the treaty", summary="")
    data, _ = draw_page(["The ambassador telegraphed Moscow", "about the treaty"], "serif")
    add_scan(doc, "page.png", data, "Page 1")  # committed: its OCR job is queued
    call_command("worker", "--burst", verbosity=0)
    text = MachineText.objects.get(scan__document=doc)
    misread(text, "ambassador", "arnbassador")
    doc.save()  # indexed as the machine read it
    os.environ["CHANCERY_PASSWORD"] = PASSWORD
    try:
        call_command("createuser", "rhea", "--role=reviewer")
    finally:
        del os.environ["CHANCERY_PASSWORD"]

    page.goto(base + "/admin/login/?next=/admin/ocr/machinetext/")
    page.get_by_label("Username").fill("rhea")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Correct page 1 line by line").click()
    page.wait_for_load_state()
    assert page.get_by_role("img", name="Page 1 of the scan").is_visible()
    assert page.locator("svg rect.ocr-box").count() == 2
    assert axe_violations(page) == []

    line = page.get_by_label("Line 1", exact=True)
    assert line.input_value() == "The arnbassador telegraphed Moscow"
    line.focus()
    assert "is-current" in page.locator("#box-1").get_attribute("class")
    page.keyboard.press("Control+A")
    page.keyboard.type("The ambassador telegraphed Moscow")
    page.keyboard.press("Tab")  # to line 2: its box is marked instead
    assert "is-current" in page.locator("#box-2").get_attribute("class")
    assert "is-current" not in page.locator("#box-1").get_attribute("class")
    page.keyboard.press("Enter")  # submits the form
    assert "is now a transcript of ocr/journey" in page.locator(".messagelist").inner_text()
    assert "Corrected" in page.locator(".ocr-corrected").inner_text()

    page.goto(base + "/search/?q=ambassador")
    hit = page.get_by_role("link", name="Telegram on the treaty")
    assert hit.is_visible()
    assert "Matched in: transcript" in page.locator("main").inner_text()
    page.goto(base + "/search/?q=arnbassador")
    assert page.get_by_role("link", name="Telegram on the treaty").count() == 0
