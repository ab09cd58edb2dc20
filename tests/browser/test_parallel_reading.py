"""The parallel reading view in a real Chromium (demo documents 11–13: scans, Russian
original, English translation): panes side by side and aligned by page, a page marker
driving the scan pane, keyboard only, a phone's tabs, no JavaScript, print in columns."""

import pytest

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def archive(db):
    from chancery.corpus.demo import load_demo

    load_demo()


def box(page, selector):
    return page.locator(selector).bounding_box()


def in_view(page, selector) -> bool:
    return page.locator(selector).first.evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " return r.bottom > 0 && r.top < window.innerHeight; }"
    )


def test_panes_side_by_side_aligned_by_page(live_server, page, archive):
    page.goto(live_server.url + "/document/11/")
    scan, original, translation = (
        box(page, f"#pane-{k}") for k in ("scan", "original", "translation")
    )
    assert scan["x"] + scan["width"] <= original["x"] < translation["x"], "three columns"
    # page 2 starts at the same height in every pane
    tops = {round(box(page, f"#{k}-page-2")["y"]) for k in ("scan", "original", "translation")}
    assert len(tops) == 1, tops
    assert page.locator("#pane-original").get_attribute("lang") == "ru"
    assert page.locator("#pane-translation").get_attribute("lang") == "en"
    # the printed page marker stands on its own line, apart from the words
    marker = page.locator("#pane-original .pb").nth(1)
    assert marker.evaluate("el => getComputedStyle(el).display") == "block"
    # the text is measured: no line longer than about 75 characters
    width_ch = page.locator("#original-page-1").evaluate(
        "el => el.getBoundingClientRect().width / parseFloat(getComputedStyle(el).fontSize) * 2"
    )
    assert width_ch < 80
    assert axe_violations(page) == []

    # hide the scans: two wider columns, still aligned
    scans_button = page.get_by_role("button", name="Scans")
    scans_button.click()
    assert scans_button.get_attribute("aria-pressed") == "false"
    assert not page.locator("#pane-scan").is_visible()
    assert box(page, "#pane-original")["width"] > original["width"]
    assert round(box(page, "#original-page-2")["y"]) == round(box(page, "#translation-page-2")["y"])
    scans_button.click()
    assert page.locator("#pane-scan").is_visible()


def test_a_page_marker_shows_its_scan(live_server, page, archive):
    page.goto(live_server.url + "/document/13/")
    page.locator("#pane-translation .pb a", has_text="[Page 2]").click()
    scan = page.locator("#scan-page-2")
    assert "current" in scan.get_attribute("class")
    assert scan.evaluate("el => document.activeElement === el")
    assert in_view(page, "#scan-page-2")
    assert page.url.endswith("#scan-page-2")
    # the image is the page's facsimile, said so
    image = scan.get_by_role("img")
    assert "facsimile rendered from the transcript" in image.get_attribute("alt")
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const i = document.querySelector('#scan-page-2 img');"
        " return i.complete && i.naturalWidth > 0; }"
    )


def test_a_scan_page_opens_in_the_zoom_viewer(live_server, page, archive):
    """The scans are shown once, in the scan pane; a page's button opens the deep-zoom
    viewer below at that page."""
    page.goto(live_server.url + "/document/11/")
    assert page.locator("#pane-scan img").count() == 2
    assert page.locator("ul.scans img").count() == 0, "the scans are not shown twice"
    button = page.get_by_role("button", name="Open page 2 in the zoom viewer")
    button.click()
    page.wait_for_function("() => window.chanceryViewer.currentPage() === 1")
    assert page.locator("#iiif-viewer").is_visible()
    assert in_view(page, "#iiif-viewer")
    assert page.locator(".iiif-status").inner_text().startswith("Showing Page 2")
    assert page.get_by_role("link", name="IIIF manifest").is_visible()


def test_keyboard_only(live_server, page, archive):
    page.goto(live_server.url + "/document/11/")

    def tab_to(predicate: str, limit: int = 120):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"() => {{ const el = document.activeElement; return {predicate}; }}"):
                return
        raise AssertionError(f"never reached: {predicate}")

    tab_to("el.id === 'pane-button-translation'")
    page.keyboard.press("Enter")  # hide the translation
    assert not page.locator("#pane-translation").is_visible()
    page.keyboard.press("Space")  # and show it again
    assert page.locator("#pane-translation").is_visible()
    tab_to("!!el.closest('#pane-original .pb') && el.textContent === '[Page 2]'")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "scan-page-2"
    # the footnote and back again
    tab_to("el.closest('sup.footnote-ref') !== null")
    page.keyboard.press("Enter")
    note = page.evaluate("() => location.hash")
    assert in_view(page, note)
    page.locator(f"{note} .footnote-back").focus()
    page.keyboard.press("Enter")
    assert in_view(page, "#pane-translation sup.footnote-ref")


def test_a_search_hit_opens_every_pane_at_its_page(live_server, page, archive):
    page.goto(live_server.url + "/document/12/?q=secret")
    assert page.locator("#translation-page-2 mark").first.is_visible()
    for key in ("scan", "original", "translation"):
        assert in_view(page, f"#{key}-page-2"), key
    assert not in_view(page, "#pane-original .pane-title")


def test_on_a_phone_the_panes_are_tabs(live_server, browser, archive):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(live_server.url + "/document/12/?q=secret")
    tabs = page.get_by_role("tab")
    assert tabs.count() == 3
    assert page.get_by_role("tablist").count() == 1
    # opened at the word found: the translation, page 2
    selected = page.get_by_role("tab", selected=True)
    assert selected.inner_text() == "Translation (English)"
    assert page.locator("#pane-translation").is_visible()
    assert not page.locator("#pane-original").is_visible()
    assert in_view(page, "#translation-page-2 mark")
    # the original opens at the same page
    page.get_by_role("tab", name="Original (Russian)").click()
    assert page.locator("#pane-original").is_visible()
    assert not page.locator("#pane-translation").is_visible()
    assert in_view(page, "#original-page-2")
    assert not in_view(page, "#original-page-1 p")
    # arrow keys move between tabs
    page.get_by_role("tab", name="Original (Russian)").focus()
    page.keyboard.press("ArrowRight")
    assert page.get_by_role("tab", selected=True).inner_text() == "Translation (English)"
    assert page.evaluate("() => document.activeElement.getAttribute('role')") == "tab"
    # a page marker switches to the scans tab, at that page
    page.locator("#pane-translation .pb a", has_text="[Page 1]").click()
    assert page.get_by_role("tab", selected=True).inner_text() == "Scans"
    assert in_view(page, "#scan-page-1")
    assert axe_violations(page) == []
    context.close()


def test_without_javascript_layers_are_stacked_with_page_anchors(live_server, nojs_page, archive):
    nojs_page.goto(live_server.url + "/document/11/")
    scan, original, translation = (
        box(nojs_page, f"#pane-{k}") for k in ("scan", "original", "translation")
    )
    assert scan["y"] + scan["height"] <= original["y"]
    assert original["y"] + original["height"] <= translation["y"]
    assert not nojs_page.locator(".pane-switch").is_visible()
    link = nojs_page.locator("#pane-translation .pane-pages").get_by_role("link", name="Page 2")
    assert link.get_attribute("href") == "#translation-page-2"
    link.click()
    assert nojs_page.url.endswith("#translation-page-2")
    assert in_view(nojs_page, "#translation-page-2")
    marker = nojs_page.locator("#pane-original .pb a", has_text="[Page 2]")
    assert marker.get_attribute("href") == "#scan-page-2"
    # the scans once, in their pane; the zoom buttons need the viewer (JavaScript)
    assert nojs_page.locator("img").count() == 2
    assert not nojs_page.get_by_role("button", name="Open page 1 in the zoom viewer").count()
    assert nojs_page.get_by_role("link", name="IIIF manifest").is_visible()


def test_print_in_parallel_columns_without_controls(live_server, page, archive):
    page.goto(live_server.url + "/document/13/")
    page.emulate_media(media="print")
    # A printout lays out the loaded page: measured before its scans load (a busy machine,
    # lazy images), the columns' page markers stand apart by the images' height.
    page.wait_for_function(
        "() => [...document.querySelectorAll('#pane-scan img')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    scan, original, translation = (
        box(page, f"#pane-{k}") for k in ("scan", "original", "translation")
    )
    assert scan["x"] + scan["width"] <= original["x"] < translation["x"], "three columns"
    tops = {round(box(page, f"#{k}-page-2")["y"]) for k in ("scan", "original", "translation")}
    assert len(tops) == 1, tops
    # the provenance and the citation text are printed, the controls are not
    assert page.locator("#about").is_visible()
    assert page.locator("#about").get_by_text("Russian text as published in Pravda").is_visible()
    assert page.locator(".citation").first.is_visible()
    for control in (".pane-switch", ".cite-downloads", ".basket-slot", ".site-header nav"):
        assert not page.locator(control).first.is_visible(), control
    assert page.locator("a[download]:visible").count() == 0
    pdf = page.pdf(format="A4", landscape=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


def test_a_single_text_starts_at_once_with_the_details_beside_it(live_server, browser, archive):
    from tests.factories import DocumentFactory

    DocumentFactory(public_id="long", title="A long telegram", summary="Long.",
                    text="<p>" + "The minister called at the office. " * 400 + "</p>")  # fmt: skip
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    desktop = context.new_page()
    desktop.goto(live_server.url + "/document/long/")
    text, details = box(desktop, ".text-layer .text"), box(desktop, "#about")
    assert text["y"] < 450, text
    assert details["x"] >= text["x"] + text["width"], "the details beside the text"
    context.close()
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    phone = context.new_page()
    phone.goto(live_server.url + "/document/long/")
    assert box(phone, ".text-layer .text")["y"] < 700
    assert box(phone, "#about")["y"] > box(phone, ".text-layer .text")["y"]
    context.close()


def test_a_note_stays_in_view_beside_its_reference(live_server, browser, archive):
    """Wide screen: following a note's number shows the note in a panel at the foot of the
    window while the reference stays where it was; ↩ closes it. Phone: the numbered notes
    at the end of the text, with their back-links."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/document/11/")
    ref = page.locator("#pane-translation sup.footnote-ref a").first
    ref.scroll_into_view_if_needed()
    before = box(page, "#pane-translation sup.footnote-ref")
    ref.click()
    note = page.locator(page.evaluate("() => location.hash"))
    assert note.evaluate("el => getComputedStyle(el).position") == "fixed"
    assert in_view(page, "#pane-translation sup.footnote-ref"), "the reader keeps the place"
    assert box(page, "#pane-translation sup.footnote-ref")["y"] == before["y"]
    shown = note.bounding_box()
    assert shown["y"] + shown["height"] <= 900 and shown["y"] > before["y"]
    assert "Gregorian" in note.inner_text()
    assert axe_violations(page) == []
    note.locator(".footnote-back").click()
    assert note.evaluate("el => getComputedStyle(el).position") == "static"
    assert in_view(page, "#pane-translation sup.footnote-ref")
    context.close()

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(live_server.url + "/document/11/")
    page.get_by_role("tab", name="Translation (English)").click()
    page.locator("#pane-translation sup.footnote-ref a").first.click()
    note = page.locator(page.evaluate("() => location.hash"))
    assert note.evaluate("el => getComputedStyle(el).position") == "static"
    assert in_view(page, page.evaluate("() => location.hash"))
    assert note.locator(".footnote-back").is_visible()
    context.close()


@pytest.mark.parametrize(
    "path",
    ["/search/?q=treaty", "/document/1/", "/document/12/?q=secret", "/document/11/"],
    ids=["results", "record", "parallel-from-search", "parallel"],
)
@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"]
)
def test_reading_pages_pass_axe(live_server, browser, archive, path, viewport):
    """The results page, a record page and the parallel view (with its zoom viewer loaded,
    and a note followed) have no WCAG 2.1 AA violations at desktop and phone widths."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    assert page.goto(live_server.url + path).status == 200
    if path.startswith("/search/"):
        assert page.locator(".hit").count() > 0
    if path == "/document/11/":
        page.wait_for_function("() => !!window.chanceryViewer")
        if viewport is not PHONE:
            assert page.locator(".zoom-open").first.is_visible()
            page.locator("#pane-translation sup.footnote-ref a").first.click()
    assert axe_violations(page) == []
    context.close()
