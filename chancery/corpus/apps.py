from importlib import import_module

from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import pre_save
from PIL import Image

from .text import strip_on_save


class SignalledConfig(AppConfig):
    """An app that keeps something in step with the archive: once every model is loaded, its
    ``signals.connect()`` connects its receivers. A base: Django picks the app's own class
    (``default = True``) from the apps module that imports this one."""

    default = False

    def ready(self):
        import_module(f"{self.name}.signals").connect()


class CorpusConfig(AppConfig):
    """The data model of the archive: documents and the authorities that describe them."""

    name = "chancery.corpus"
    label = "corpus"
    verbose_name = "Archive"

    def ready(self):
        # Every model of the archive's apps, so none is forgotten (see text.STRIPPED_APPS).
        pre_save.connect(strip_on_save, dispatch_uid="chancery.corpus.text.strip_on_save")
        # Pillow's decompression-bomb guard: it refuses to open images above twice this.
        Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS
