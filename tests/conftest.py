import os
import tempfile

import pytest

# Each test run gets its own CHANCERY_HOME (secret key, media) before settings load.
os.environ.setdefault("CHANCERY_HOME", tempfile.mkdtemp(prefix="chancery-test-"))

FRUS = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpora", "frus")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo(db):
    """The demo archive, loaded through the same code as `chancery demo`."""
    from chancery.corpus.demo import load_demo

    load_demo()


@pytest.fixture
def frus_dir():
    path = os.path.abspath(FRUS)
    if not os.path.isdir(path):
        pytest.skip(f"FRUS volumes not found at {path}: the shared corpora are absent")
    return path
