"""Schemathesis checks every API v1 operation against our OpenAPI document.

It loads /api/v1/openapi.json from the WSGI application, generates requests (valid ones
and, to test rejection, invalid ones) for every operation and runs all its checks: no
server errors, documented status codes, content types and headers, bodies that conform to
the schemas, 4xx for invalid input, 405 with ``Allow`` for undocumented methods.

``positive_data_acceptance`` is left out on purpose: facet values and filters must name
existing authorities and a page must exist, which a schema cannot say, so a well-typed
request for ``subject=xyz`` rightly gets a 400 naming the parameter.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

# Loading the document needs no database: it is built from code.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(scope="module")
def demo_archive(django_db_setup, django_db_blocker):
    """The demo archive, loaded once for every operation and rolled back at the end."""
    from chancery.corpus.demo import load_demo

    # Like Django's test client: the real WSGI handler must not close the test's connection
    # at the end of each request (on PostgreSQL that would end the test transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            load_demo()
            yield
            transaction.set_rollback(True)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_openapi_document(case, demo_archive, db):
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


def test_the_generated_requests_meet_real_data(demo_archive, db, client):
    """The operations above ran over the demo archive, not an empty database."""
    documents = client.get("/api/v1/documents").json()
    assert documents["total"] >= 9
    first = documents["results"][0]["id"]
    assert client.get(f"/api/v1/documents/{first}").status_code == 200
