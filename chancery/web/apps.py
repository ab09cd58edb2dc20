from django.apps import AppConfig


class WebConfig(AppConfig):
    """The public site: search, records, collections and browsing."""

    name = "chancery.web"
    label = "web"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .freshness import count_memory_writes, read_identity

        # every connection to a database in memory (tests, the live server's thread too)
        connection_created.connect(count_memory_writes, dispatch_uid="web_memory_writes")
        # which PostgreSQL cluster, timeline and database a connection's stamp counts in
        connection_created.connect(read_identity, dispatch_uid="web_stamp_identity")
