from django.apps import AppConfig
from django.db.models.signals import pre_save


class CorpusConfig(AppConfig):
    """The data model of the archive: documents and the authorities that describe them."""

    name = "chancery.corpus"
    label = "corpus"
    verbose_name = "Archive"

    def ready(self):
        from .text import strip_on_save

        # Every model of the archive's apps, so none is forgotten (see text.STRIPPED_APPS).
        pre_save.connect(strip_on_save, dispatch_uid="chancery.corpus.text.strip_on_save")
