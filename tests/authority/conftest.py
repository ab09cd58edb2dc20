import io

import pytest
from django.core.management import call_command

from tests.ingest.conftest import _high_water, empty_archive, frus_path

#: A list of persons (1919), an 1870 volume of "Mr. Fish"-style mentions and sentence
#: fragments, and the 1901 China volume (Pekin and Peking, Li Hung-chang).
AUTHORITY_VOLUMES = ("frus1870.xml", "frus1901China.xml", "frus1919Parisv01.xml")


@pytest.fixture(scope="module")
def authority_archive(django_db_setup, django_db_blocker):
    folder = frus_path()
    with django_db_blocker.unblock():
        before = _high_water()
        call_command(
            "import", "tei", *(str(folder / v) for v in AUTHORITY_VOLUMES), "--no-progress",
            stdout=io.StringIO(),
        )  # fmt: skip
        yield folder
        empty_archive()
        for model, high in before.items():
            model.objects.filter(pk__gt=high).delete()
