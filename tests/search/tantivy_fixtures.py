"""Fixtures of the Tantivy tests over a real FRUS volume (``pytest_plugins`` of the modules
that use them: names of their own, so no other module's ``engine`` is shadowed)."""

from __future__ import annotations

import pytest

from chancery.search.backends import get_backend
from tests.ingest.conftest import imported_volumes
from tests.search.test_contract import use


@pytest.fixture(scope="module")
def frus_1901_china(django_db_setup, django_db_blocker):
    """FRUS 1901, Affairs in China (312 documents), imported through the real command (once
    per module that asks)."""
    with imported_volumes(django_db_blocker, ("frus1901China.xml",)):
        yield


@pytest.fixture
def tantivy_1901(frus_1901_china, db, settings, tmp_path):
    """The Tantivy engine over that volume (its index built in ``tmp_path``)."""
    use(settings, tmp_path, "tantivy")
    return get_backend()
