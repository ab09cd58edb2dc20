from django.apps import AppConfig


class CorpusConfig(AppConfig):
    """The data model of the archive: documents and the authorities that describe them."""

    name = "chancery.corpus"
    label = "corpus"
    verbose_name = "Archive"

    def ready(self):
        from django.conf import settings
        from PIL import Image

        # Pillow's decompression-bomb guard: it refuses to open images above twice this.
        Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS
