"""Schemathesis checks every API v1 operation against our OpenAPI document.

It loads /api/v1/openapi.json from the WSGI application, generates requests (valid ones
and, to test rejection, invalid ones) for every operation and runs all its checks: no
server errors, documented status codes, content types and headers, bodies that conform to
the schemas, 4xx for invalid input, 405 with ``Allow`` for undocumented methods.

``positive_data_acceptance`` is left out on purpose: facet values and filters must name
existing authorities and a page must exist, which a schema cannot say, so a well-typed
request for ``subject=xyz`` rightly gets a 400 naming the parameter.
"""

import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance


# Loading the document needs no database: it is built from code.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_openapi_document(case, demo):
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
