"""factory_boy factories for the community app."""

import factory

from community.models import Category, Media, MemberProfile, Status, Tag
from tests.factories import UserFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Category {n:03d}")
    slug = factory.Sequence(lambda n: f"category-{n:03d}")

    @factory.post_generation
    def parents(self, create, extracted, **kwargs):
        if create and extracted:
            self.parents.set(extracted)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag{n:03d}")
    type = Tag.Type.CONTRIBUTION


class MediaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Media

    owner = factory.SubFactory(UserFactory)
    type = Media.Type.URL
    url = factory.Sequence(lambda n: f"https://example.com/page/{n}")
    title = "A page"
    # A share media shares a status (a database constraint).
    shared_object = factory.Maybe(
        factory.LazyAttribute(lambda media: media.type == Media.Type.SHARE),
        yes_declaration=factory.SubFactory("tests.community.factories.StatusFactory"),
        no_declaration=None,
    )


class MemberProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberProfile

    user = factory.SubFactory(UserFactory)
    ext_id = factory.Sequence(lambda n: f"ext-{n}")


class StatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Status
        skip_postgeneration_save = True

    author = factory.SubFactory(UserFactory)
    action = "Shared an update"
    html = "<p>Hello</p>"
    plain_text = "Hello"
    summary = "Hello"

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create:
            self.categories.set(extracted if extracted is not None else [CategoryFactory()])

    @factory.post_generation
    def medias(self, create, extracted, **kwargs):
        if create and extracted:
            self.medias.set(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)

    @factory.post_generation
    def addressing(self, create, extracted, **kwargs):
        if create and extracted:
            self.addressing.set(extracted)
