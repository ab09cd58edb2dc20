"""One shared builder for test archives (factory_boy over the real models)."""

import factory

from chancery.corpus import models


class CollectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Collection
        django_get_or_create = ["slug"]

    title = factory.Sequence(lambda n: f"Collection {n}")
    slug = factory.Sequence(lambda n: f"collection-{n}")


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Subject
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Subject {n}")
    slug = factory.Sequence(lambda n: f"subject-{n}")


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Place
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Place {n}")
    slug = factory.Sequence(lambda n: f"place-{n}")


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Agent
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Person {n}")
    slug = factory.Sequence(lambda n: f"person-{n}")


class TypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.DocumentType
        django_get_or_create = ["slug"]

    name = "Telegram"
    slug = "telegram"


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Document
        skip_postgeneration_save = True

    public_id = factory.Sequence(lambda n: f"test/d{n}")
    title = factory.Sequence(lambda n: f"Telegram number {n} on the treaty")
    summary = "The ambassador reports on the negotiations."
    date = "1958-09-27"
    status = models.Document.PUBLISHED
    doc_type = factory.SubFactory(TypeFactory)

    @factory.post_generation
    def collections(self, create, extracted, **kwargs):
        for position, collection in enumerate(extracted or []):
            models.Membership.objects.create(
                collection=collection, document=self, position=position
            )

    @factory.post_generation
    def subjects(self, create, extracted, **kwargs):
        if extracted:
            self.subjects.set(extracted)

    @factory.post_generation
    def places(self, create, extracted, **kwargs):
        if extracted:
            self.places.set(extracted)

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        if extracted:
            self.languages.set(extracted)

    @factory.post_generation
    def text(self, create, extracted, **kwargs):
        if extracted:
            models.Translation.objects.create(document=self, html=extracted)


def language(code: str, name: str) -> models.Language:
    return models.Language.objects.get_or_create(code=code, defaults={"name": name})[0]
