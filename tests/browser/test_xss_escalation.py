"""The stored-XSS escalation of issue #11 replayed in a real Chromium, and it fails.

An editor (staff, in the Editors group, as `chancery createuser` makes one) saves a script
that posts the superuser's own admin form into a collection's introduction; a superuser
opens the public collection page. The sanitiser removes the script; and a script that got
into the database some other way is stopped by the Content-Security-Policy. A control run
with the policy stripped shows the payload is a real attack. Login lockout through the
real form, and the admin working under the policy, are here too.
"""

import os

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from chancery.corpus.models import Collection

from ..factories import CollectionFactory, DocumentFactory

pytestmark = pytest.mark.django_db(transaction=True)

EDITOR_PASSWORD = "an editor's long passphrase 1958"
ROOT_PASSWORD = "the administrator's passphrase 1961"
ESCALATE = """window.__xss = (window.__xss || 0) + 1;
fetch("/admin/auth/user/{id}/change/").then(r => r.text()).then(t => {{
  const form = new DOMParser().parseFromString(t, "text/html").querySelector("#user_form");
  const data = new FormData(form);
  data.set("is_superuser", "on"); data.set("is_staff", "on"); data.set("is_active", "on");
  return fetch("/admin/auth/user/{id}/change/", {{method: "POST", body: data}});
}}).then(r => {{ window.__escalated = r.status; }});"""


def payload(editor_id: int) -> str:
    return (
        "<p>The cables of 1901.</p>"
        f"<script>{ESCALATE.format(id=editor_id)}</script>"
        '<img src="x" onerror="window.__xss = (window.__xss || 0) + 1">'
        '<svg onload="window.__xss = (window.__xss || 0) + 1"></svg>'
        '<a id="bait" href="javascript:window.__xss = 99">Read more</a>'
    )


def create_user(username: str, password: str, superuser: bool = False):
    os.environ["CHANCERY_PASSWORD"] = password
    try:
        call_command("createuser", username, *(["--superuser"] if superuser else []))
    finally:
        del os.environ["CHANCERY_PASSWORD"]
    return get_user_model().objects.get(username=username)


def log_in(page, base: str, username: str, password: str):
    page.goto(base + "/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    # the click returns once the answer starts loading: a read that does not wait (such as
    # page.content()) could see the page half-parsed, and saw it empty on a busy machine
    page.wait_for_load_state()


def open_as_victim(page, url: str):
    """The superuser opens the public page and lingers until its requests are done."""
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    return response


def test_an_editor_cannot_make_themself_superuser(live_server, page, browser):
    base = live_server.url
    editor = create_user("editor", EDITOR_PASSWORD)
    assert editor.groups.filter(name="Editors").exists() and not editor.is_superuser
    create_user("root", ROOT_PASSWORD, superuser=True)
    coll = CollectionFactory(title="Cables from Peking", slug="cables")
    DocumentFactory(public_id="frus1901/d1", collections=[coll])

    # the editor saves the payload in the admin, through the real form
    context = browser.new_context()
    ed = context.new_page()
    log_in(ed, base, "editor", EDITOR_PASSWORD)
    ed.goto(base + f"/admin/corpus/collection/{coll.pk}/change/")
    ed.locator("#id_introduction").fill(payload(editor.pk))
    ed.locator("input[name=_save]").click()
    assert "was changed successfully" in ed.locator(".messagelist").inner_text()
    context.close()
    stored = Collection.objects.get(pk=coll.pk).introduction
    assert "The cables of 1901." in stored
    for live in ("<script", "onerror", "onload", "javascript:", "<svg"):
        assert live not in stored.lower(), (live, stored)

    # the superuser reads the collection page
    log_in(page, base, "root", ROOT_PASSWORD)
    response = open_as_victim(page, base + coll.get_absolute_url())
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.locator(".introduction").inner_text().startswith("The cables of 1901.")
    page.locator("#bait").click()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__xss") is None
    editor.refresh_from_db()
    assert not editor.is_superuser

    # second wall: the same payload written around the sanitiser (a raw SQL update, an old
    # row) is stopped by the Content-Security-Policy
    Collection.objects.filter(pk=coll.pk).update(introduction=payload(editor.pk))
    open_as_victim(page, base + coll.get_absolute_url())
    assert page.evaluate("window.__xss") is None
    assert page.evaluate("window.__escalated") is None
    editor.refresh_from_db()
    assert not editor.is_superuser
    blocked = list(page.csp_violations)
    assert any("script-src" in v for v in blocked), blocked
    page.csp_violations.clear()  # expected: the policy refusing the planted script

    # control: without the policy the very same page does escalate, so the two walls
    # above are what stopped it
    def without_csp(route):
        response = route.fetch()
        headers = {
            k: v for k, v in response.headers.items() if k.lower() != "content-security-policy"
        }
        route.fulfill(response=response, headers=headers)

    page.route(base + coll.get_absolute_url(), without_csp)
    page.goto(base + coll.get_absolute_url())
    page.wait_for_function("window.__escalated !== undefined")
    assert page.evaluate("window.__xss") >= 2  # the script and the event handlers ran
    editor.refresh_from_db()
    assert editor.is_superuser


def test_login_locks_out_after_repeated_failures(live_server, page, settings):
    create_user("root", ROOT_PASSWORD, superuser=True)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(page, live_server.url, "root", "a wrong guess")
        assert "Please enter the correct username and password" in page.content()
    log_in(page, live_server.url, "root", "a wrong guess")
    assert page.get_by_role("heading", name="Login locked").is_visible()
    log_in(page, live_server.url, "root", ROOT_PASSWORD)  # the right one, too late
    alert = page.get_by_role("alert")
    assert "Too many failed logins" in alert.inner_text()
    assert "15 minutes" in alert.inner_text()
    page.goto(live_server.url + "/admin/")
    assert "/admin/login/" in page.url  # still not logged in


def test_the_admin_works_under_the_policy(live_server, page):
    """Every page of the back office an editor uses, with zero CSP violations (the page
    fixture fails the test on any), and a save that round-trips."""
    create_user("root", ROOT_PASSWORD, superuser=True)
    coll = CollectionFactory(title="Cables", slug="cables")
    doc = DocumentFactory(public_id="frus1901/d2", collections=[coll])
    log_in(page, live_server.url, "root", ROOT_PASSWORD)
    for path in (
        "/admin/",
        "/admin/corpus/",
        "/admin/corpus/document/",
        "/admin/corpus/document/add/",
        f"/admin/corpus/document/{doc.pk}/change/",
        "/admin/corpus/collection/add/",
        f"/admin/corpus/collection/{coll.pk}/change/",
        "/admin/corpus/agent/add/",
        "/admin/auth/user/",
        "/admin/auth/user/add/",
        "/admin/axes/accessattempt/",
    ):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert response.headers["content-security-policy"], path
    page.goto(live_server.url + f"/admin/corpus/collection/{coll.pk}/change/")
    page.locator("#id_introduction").fill("<p>An <em>introduction</em>.</p>")
    page.locator("input[name=_save]").click()
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    page.goto(live_server.url + coll.get_absolute_url())
    assert page.locator(".introduction em").inner_text() == "introduction"
