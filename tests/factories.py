"""factory_boy factories for the content model (real database rows, never mocks)."""
from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from articles.models import Article, Category, GlossaryTerm, Reference, Section


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name_zh_hans = factory.Sequence(lambda n: f"分类{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title_zh_hans = factory.Sequence(lambda n: f"条约{n}")
    lead_zh_hans = "中华民国与苏联签订的条约。"
    status = Article.Status.PUBLISHED


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    article = factory.SubFactory(ArticleFactory)
    position = factory.Sequence(int)
    heading_zh_hans = factory.Sequence(lambda n: f"历史{n}")
    body_zh_hans = "头发与面条。"


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    article = factory.SubFactory(ArticleFactory)
    position = factory.Sequence(int)
    key = factory.Sequence(lambda n: str(n + 1))
    text_zh_hans = "《中国手册》，上海：商务印书馆，1946"


class GlossaryTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GlossaryTerm

    hans = "斯大林"
    hant = "史達林"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery")


class EditorFactory(UserFactory):
    """A staff user in the Editors group created by migration."""

    is_staff = True

    @factory.post_generation
    def editors_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name="Editors"))
            self.save()


def article_with_parts(size: int) -> Article:
    """An article with ``size`` sections (each citing a reference and linking), references,
    visible categories and tags; its lead links to ``size`` titles, of which only the first
    (目标0) is an article: one blue link, the rest red."""
    article = ArticleFactory(lead_zh_hans="".join(f"[[目标{i}]]" for i in range(size)))
    for i in range(size):
        SectionFactory(article=article, position=i, body_zh_hans=f"正文[^{i}]，见[[目标{i}]]。")
        ReferenceFactory(article=article, key=str(i))
        article.categories.add(CategoryFactory())
        article.tags.add(f"标签{i}")
    ArticleFactory(title_zh_hans="目标0")
    return article
