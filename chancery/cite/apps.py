from django.apps import AppConfig


class CiteConfig(AppConfig):
    name = "chancery.cite"
    label = "cite"
    verbose_name = "Citations"
