from django.apps import AppConfig


class CorpusConfig(AppConfig):
    """The data model of the archive: documents and the authorities that describe them."""

    name = "chancery.corpus"
    label = "corpus"
    verbose_name = "Archive"
