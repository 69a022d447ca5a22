"""Which glossary terms an article's conversion uses, and in which order (issue 25).

Three kinds of terms, tried in this order (the first that matches a stretch of text wins):

1. the article's own terms (``GlossaryTerm`` rows with ``article`` set; ``-{…}-`` rules in the
   text come before any term: they are protected spans of :func:`articles.conversion.to_variant`);
2. its named glossaries (:class:`~articles.models.NamedGlossary`): the ones the article opts into,
   then the ones its categories opt into, each group by name;
3. the site-wide terms;

then OpenCC's regional phrases: the site-wide ones, and those of the built-in conversion groups
the article's named glossaries turn on (``NamedGlossary.conversion_group``: 计算机, OpenCC's
computing vocabulary, :mod:`articles.regional`). A term is a row of forms per variant (zh-hans, zh-hant, zh-cn, zh-tw, zh-hk; blank
forms are left to the script form and OpenCC). For the regional variants each form found in the
text, as typed or in either script, reads as the variant's form (:func:`terms_from_forms`, in
``to_variant``'s :data:`~articles.conversion.Term` triples); for the two script variants only the
script pairs apply, at save time (:func:`script_glossary_for`, DESIGN.md's save rule).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from django.db.models import Q, prefetch_related_objects

from . import conversion
from .variants import CN, HANS, HANT, HK, TW

if TYPE_CHECKING:
    from .models import Article, NamedGlossary

Term = tuple[str, str, str]

#: The model fields holding each variant's form of a term.
FORM_FIELDS: dict[str, str] = {HANS: "hans", HANT: "hant", CN: "zh_cn", TW: "zh_tw", HK: "zh_hk"}


def forms_of(term) -> dict[str, str]:
    """{variant: form} of a glossary row (``GlossaryTerm`` or ``NamedGlossaryTerm``), non-blank."""
    return {variant: value for variant, attr in FORM_FIELDS.items() if (value := (getattr(term, attr, "") or "").strip())}


def terms_from_forms(forms: dict[str, str]) -> tuple[Term, ...]:
    """``to_variant`` terms for one row: every form, as typed, reads as each variant's form.

    A script form (zh-hans / zh-hant) also serves that script's regional variants unless the row
    names the region (``to_variant`` ranks a variant's own term before its script's)."""
    written = tuple(dict.fromkeys(forms.values()))
    return tuple((variant, form, wanted) for variant, wanted in forms.items() for form in written)


def _rows_terms(rows: Iterable) -> tuple[Term, ...]:
    return tuple(term for row in rows for term in terms_from_forms(forms_of(row)))


def glossaries_of(article: Article) -> list[NamedGlossary]:
    """The named glossaries an article uses: its own choices first, then its categories', each by
    name. One plain query when there are none (most articles; the save rule reads this on every
    save, issue 24), two more for their terms and which are the article's own choice otherwise."""
    from .models import NamedGlossary

    pk = getattr(article, "pk", None)  # the editor's preview is a namespace with the article's pk
    if not pk:
        return []
    rows = list(NamedGlossary.objects.filter(Q(articles=pk) | Q(categories__articles=pk)).distinct())
    if not rows:
        return []
    prefetch_related_objects(rows, "terms")
    chosen = set(NamedGlossary.objects.filter(articles=pk).values_list("pk", flat=True))
    return sorted(rows, key=lambda g: (g.pk not in chosen, g.name))


def site_terms() -> tuple[Term, ...]:
    """The site-wide glossary as ``to_variant`` terms."""
    from .models import GlossaryTerm

    return _rows_terms(GlossaryTerm.objects.filter(article=None))


def terms_for_article(article: Article, site: tuple[Term, ...] | None = None) -> tuple[Term, ...]:
    """Every term of an article's conversion into a regional variant, in the order they apply
    (``site``: the site's terms when the caller has read them already, for many articles)."""
    from .models import GlossaryTerm

    pk = getattr(article, "pk", None)
    own = _rows_terms(GlossaryTerm.objects.filter(article_id=pk)) if pk else ()
    used = glossaries_of(article)
    scoped = tuple(term for glossary in used for term in _rows_terms(glossary.terms.all()))
    return own + scoped + (site_terms() if site is None else site) + groups_of(used)


def groups_of(used: Iterable[NamedGlossary]) -> tuple[Term, ...]:
    """The built-in conversion groups the glossaries ``used`` turn on, as ``to_variant``'s group
    markers (:func:`articles.conversion.group_term`): 计算机 turns on OpenCC's computing vocabulary."""
    names = sorted({glossary.conversion_group for glossary in used if glossary.conversion_group})
    return tuple(conversion.group_term(name) for name in names)


def script_glossary_for(article: Article, pending: Iterable[tuple[str, str]] = ()) -> conversion.Glossary:
    """The (简体, 繁體) pairs of the save rule for an article: its own terms (and ``pending`` ones,
    typed in the same save), its named glossaries', then the site's; the first pair for a
    Simplified term wins. Two queries (three with named glossaries): its own and the site's terms
    are read together."""
    from .models import GlossaryTerm

    own: list[tuple[str, str]] = []
    site: list[tuple[str, str]] = []
    rows = GlossaryTerm.objects.filter(Q(article=None) | Q(article_id=article.pk) if article.pk else Q(article=None))
    for owner, hans, hant in rows.values_list("article_id", "hans", "hant"):
        (site if owner is None else own).append((hans, hant))
    pairs = [*own, *pending]
    for glossary in glossaries_of(article):
        pairs += [(t.hans, t.hant) for t in glossary.terms.all() if t.hans and t.hant]
    pairs += site
    first: dict[str, tuple[str, str]] = {}
    for hans, hant in pairs:
        first.setdefault(hans, (hans, hant))
    return conversion.Glossary(tuple(first.values()))


def refused_by_gold_set(before: Iterable[Term], after: Iterable[Term], shown: int = 3) -> list[str]:
    """Why a glossary edit from terms ``before`` to ``after`` is refused: the gold-set sentences
    (``articles/data/variants_gold.tsv``) that read right before the edit and wrong after it.
    Empty when the edit lowers no agreement (articles/variants_gold.py, the gate of issue 25)."""
    from django.utils.translation import gettext as _

    from .variants_gold import glossary_regressions

    broken = glossary_regressions(tuple(before), tuple(after))
    messages = []
    for variant, lost in broken.items():
        for disagreement in lost[:shown]:
            messages.append(_("%(variant)s：“%(written)s”应为“%(expected)s”，改后成了“%(got)s”。") % {
                "variant": variant, "written": disagreement.row.written,
                "expected": disagreement.expected, "got": disagreement.got})
        if len(lost) > shown:
            messages.append(_("%(variant)s：另有 %(count)d 句。") % {"variant": variant, "count": len(lost) - shown})
    return messages


def refused_site_term(row) -> list[str]:
    """:func:`refused_by_gold_set` for saving ``row`` (a site-wide ``GlossaryTerm``, new or changed)."""
    from .models import GlossaryTerm

    others = GlossaryTerm.objects.filter(article=None).exclude(pk=row.pk) if row.pk else GlossaryTerm.objects.filter(
        article=None).exclude(hans=row.hans)
    after = terms_from_forms(forms_of(row)) + _rows_terms(others)
    return refused_by_gold_set(site_terms(), after)
