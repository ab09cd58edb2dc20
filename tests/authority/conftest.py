import pytest

from tests.ingest.conftest import imported_volumes

#: A list of persons (1919), an 1870 volume of "Mr. Fish"-style mentions and sentence
#: fragments, and the 1901 China volume (Pekin and Peking, Li Hung-chang).
AUTHORITY_VOLUMES = ("frus1870.xml", "frus1901China.xml", "frus1919Parisv01.xml")


@pytest.fixture(scope="module")
def authority_archive(django_db_setup, django_db_blocker):
    with imported_volumes(django_db_blocker, AUTHORITY_VOLUMES) as folder:
        yield folder
