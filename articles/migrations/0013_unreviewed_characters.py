from django.db import migrations, models


def count_existing(apps, schema_editor):
    """Fill the count for articles that exist (the same pure function the models call on save)."""
    from articles import conversion
    from articles.conversion_review import unreviewed_count

    Article = apps.get_model("articles", "Article")
    GlossaryTerm = apps.get_model("articles", "GlossaryTerm")
    terms = list(GlossaryTerm.objects.values_list("hans", "hant", "article_id"))
    for article in Article.objects.all().iterator():
        ordered = sorted((t for t in terms if t[2] in (None, article.pk)), key=lambda t: t[2] is not None)
        glossary = conversion.Glossary(tuple({h: (h, t) for h, t, _ in ordered}.values()))
        pairs = [(article.title_zh_hans, article.title_zh_hant), (article.lead_zh_hans, article.lead_zh_hant)]
        for h1, t1, h2, t2 in article.sections.values_list("heading_zh_hans", "heading_zh_hant", "body_zh_hans", "body_zh_hant"):
            pairs += [(h1, t1), (h2, t2)]
        pairs += list(article.references.values_list("text_zh_hans", "text_zh_hant"))
        Article.objects.filter(pk=article.pk).update(unreviewed_characters=unreviewed_count(pairs, glossary))


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0011_publication_date_range'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='unreviewed_characters',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='待审校字'),
        ),
        migrations.RunPython(count_existing, migrations.RunPython.noop),
    ]
