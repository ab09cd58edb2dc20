from django.apps import AppConfig


class IiifConfig(AppConfig):
    name = "chancery.iiif"
    label = "iiif"
    verbose_name = "IIIF"
