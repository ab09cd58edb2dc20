"""The Content-Security-Policy header is built once for the responses that add nothing of
their own (chancery.web.middleware.ContentSecurityPolicy): readers must get exactly the
policy django-csp writes, and a response or setting that changes it must still change it."""

from __future__ import annotations

from csp.constants import NONCE, SELF
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from chancery.web.middleware import ContentSecurityPolicy

HEADER = "Content-Security-Policy"


def _answer(middleware_class, prepare=lambda response: None, request=None):
    def view(request):
        response = HttpResponse("<p>page</p>")
        prepare(response)
        return response

    middleware = middleware_class(view)
    return middleware, middleware(request or RequestFactory().get("/search/?q=treaty"))


def test_the_header_is_the_one_django_csp_writes_every_time():
    expected = _answer(CSPMiddleware)[1][HEADER]
    middleware, first = _answer(ContentSecurityPolicy)
    second = middleware(RequestFactory().get("/about/"))
    assert first[HEADER] == second[HEADER] == expected
    assert "script-src 'self'" in expected and "object-src 'none'" in expected


def test_a_response_with_a_policy_of_its_own_keeps_it():
    def widened(response):
        response._csp_update = {"img-src": ["https://iiif.example.org"]}

    _, plain = _answer(ContentSecurityPolicy)
    _, own = _answer(ContentSecurityPolicy, widened)
    assert "https://iiif.example.org" in own[HEADER]
    assert "https://iiif.example.org" not in plain[HEADER]
    _, set_by_view = _answer(ContentSecurityPolicy, lambda r: r.__setitem__(HEADER, "sandbox"))
    assert set_by_view[HEADER] == "sandbox"


def test_a_request_that_used_its_nonce_gets_it_in_the_header():
    # no page of ours uses one; a policy that allows nonces gives each page its own
    middleware = ContentSecurityPolicy(lambda r: HttpResponse(str(r.csp_nonce)))
    policy = {"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        first, second = middleware(RequestFactory().get("/")), middleware(RequestFactory().get("/"))
    for response in (first, second):
        nonce = response.content.decode()
        assert f"script-src 'self' 'nonce-{nonce}'" in response[HEADER]
    assert first[HEADER] != second[HEADER]


def test_a_changed_setting_changes_the_header():
    middleware, before = _answer(ContentSecurityPolicy)
    policy = {"DIRECTIVES": {"default-src": [SELF], "img-src": [SELF, "data:"]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        changed = middleware(RequestFactory().get("/"))
        expected = _answer(CSPMiddleware)[1][HEADER]
    assert changed[HEADER] == expected != before[HEADER]
    assert "img-src 'self' data:" in expected
    assert middleware(RequestFactory().get("/"))[HEADER] == before[HEADER]
