"""Render the stored Markdown dialect to safe HTML (DESIGN.md, "Stored Markdown dialect").

markdown-it-py parses CommonMark + GFM tables (raw HTML disabled: content HTML is shown as text);
three inline rules add the wiki dialect:

* ``[[Title]]`` / ``[[Title|label]]`` — internal links, resolved against published article titles in
  either script with one query per page (:func:`resolve_titles`); a missing target renders as
  ``<span class="redlink">`` and is listed for editors;
* ``-{text}-`` (never converted), ``-{zh-hans:X;zh-hant:Y}-`` (explicit text per script) and the
  LanguageConverter flags ``-{T|…}-`` (displayed title), ``H``, ``A``, ``R``, ``D``;
* ``$…$``, ``$$…$$``, ``\\(…\\)`` — MathML rendered on the server (``mathml.py``);
* ``[^key]`` — a citation of the article's Reference ``key``, numbered by first appearance across
  the lead and the sections (one :class:`CitationState` is shared by all of an article's texts);
* ``[[File:名称.jpg|说明]]`` (and the namespace's aliases 文件:, 檔案:, Image:, 图像: …, see
  ``articles/images/markup.py``) — a figure from the image library, all of a page's images fetched in
  one query; a figure whose file is missing is left out for readers and marked for editors.

Emphasis works beside CJK punctuation (``cjk_emphasis.py``), and pipes inside ``[[a|b]]`` and
``-{F|…}-`` on a GFM table row are escaped first so a link never splits its cell.

Whatever the parser emits is then cleaned by nh3 (the Ammonia sanitiser) with an allow-list, so
no script, event handler or ``javascript:``/``data:`` URL can come from content even if a rule
had a bug.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import nh3
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline import image as image_rule
from markdown_it.rules_inline import link as link_rule

from .cjk_emphasis import cjk_friendly
from .conversion import HANT, title_key  # noqa: F401  (THE title normalisation; re-exported)
from .images.markup import figure_names, is_figure_target, parse_figure
from .mathml import MATHML_ATTRIBUTES, MATHML_TAGS, math_rule, render_math
from .scripts import LABELS, parse_variants
from .wikilinks import create_article_url, wikilink_targets

# UI strings emitted by the renderer (lazy: rendered in the reader's script at use).
REDLINK_TITLE = _("条目尚未撰写")
REDLINK_CREATE_TITLE = _("条目尚未撰写：点击创建")
UNKNOWN_KEY_TITLE = _("没有这个参考文献键")

# -{F|…}-: one or more flags before the first pipe (MediaWiki allows "A;H" and similar).
_FLAGS = re.compile(r"^\s*([A-Za-z]+(?:\s*;\s*[A-Za-z]+)*)\s*\|(.*)$", re.S)
# A GFM table row splits cells at every unescaped "|", so pipes inside [[a|b]] and -{F|…}- on
# such a row are escaped before parsing (markdown-it unescapes "\|" inside cells).
_PIPED_SPAN = re.compile(r"\[\[[^\[\]\n]*\]\]|-\{.*?\}-")

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code", "pre",
    "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a", "sup", "sub", "span",
    "figure", "figcaption", "picture", "source", "img",
} | MATHML_TAGS
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "sup": {"id", "class", "title"},
    "span": {"class", "title", "lang"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
    "figure": {"class"},
    "source": {"type", "srcset", "sizes"},
    "img": {"src", "srcset", "sizes", "width", "height", "alt", "loading", "decoding"},
    "code": {"class"},
} | MATHML_ATTRIBUTES
_MEDIA_ATTRIBUTES = {("img", "src"), ("img", "srcset"), ("source", "srcset")}


def _media_only(tag: str, attribute: str, value: str) -> str | None:
    """Images may only come from the media library (MEDIA_URL): no hot-linking or tracking pixels."""
    if (tag, attribute) not in _MEDIA_ATTRIBUTES:
        return value
    from django.conf import settings

    prefix = settings.MEDIA_URL
    urls = [part.strip().split(" ")[0] for part in value.split(",")] if attribute == "srcset" else [value]
    return value if all(url.startswith(prefix) and ".." not in url for url in urls) else None


def sanitise(html: str) -> str:
    """The last line of defence: only an allow-list of tags, attributes and URL schemes survives."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        filter_style_properties={"text-align"},
        attribute_filter=_media_only,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def anchor_for(key: str) -> str:
    """A safe fragment id for a reference key (keys are editor text)."""
    return re.sub(r"[^0-9A-Za-z_-]", lambda m: f"_{ord(m.group(0)):x}", key)[:80]


@dataclass
class CitationState:
    """Citation numbering shared by every text of one article, in reading order."""

    known_keys: set[str]
    numbers: dict[str, int] = field(default_factory=dict)
    uses: dict[str, int] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)

    def cite(self, key: str) -> tuple[int, int] | None:
        """(number, occurrence) for a known key, None for an unknown one."""
        if key not in self.known_keys:
            if key not in self.unknown:
                self.unknown.append(key)
            return None
        number = self.numbers.setdefault(key, len(self.numbers) + 1)
        self.uses[key] = self.uses.get(key, 0) + 1
        return number, self.uses[key]


@dataclass
class RenderContext:
    script: str
    links: dict[str, str]  # simplified title → URL in this script
    citations: CitationState | None = None
    redlinks: list[str] = field(default_factory=list)
    show_editor_notes: bool = False
    create_links: bool = False  # red links open "create this article" (an editor's article page)
    images: dict = field(default_factory=dict)  # image name → articles.images.models.Image
    missing_images: list[str] = field(default_factory=list)  # figures whose file is missing
    display_title: str = ""  # set by a -{T|…}- in the text (MediaWiki's title conversion)


# --- inline rules -------------------------------------------------------------------------------


# Every inline rule finds its end with a pattern that stops at the next bracket or brace, so a run
# of openers (``[[`` ×20,000, ``-{`` ×100,000 — issue 17) costs linear time, not a scan to the end
# of the text from each one.
_WIKILINK_SPAN = re.compile(r"\[\[([^\[\]\n]*)\]\]")
_VARIANT_SPAN = re.compile(r"-\{([^{}]*)\}-")
_CITATION_SPAN = re.compile(r"\[\^([^\[\]\s]{1,50})\]")
#: Longest link label markdown-it may look for (CommonMark allows up to 999 characters).
MAX_LINK_LABEL = 999


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if not src.startswith("[[", pos):
        return False
    span = _WIKILINK_SPAN.match(src, pos)
    if span is None:
        return False
    inner, end = span.group(1), span.end() - 2
    if not inner.strip():
        return False
    if not silent:
        inner = inner.replace("\\|", "|")  # a pipe escaped on a table row
        figure = parse_figure(inner)
        if figure is not None:
            state.push("figure", "", 0).meta = {"figure": figure}
        elif not is_figure_target(inner):
            target, _, label = inner.partition("|")
            token = state.push("wikilink", "", 0)
            token.meta = {"target": target.strip(), "label": label.strip() or target.strip()}
    state.pos = end + 2
    return True


def _variant_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if not src.startswith("-{", pos):
        return False
    span = _VARIANT_SPAN.match(src, pos)
    if span is None:
        return False
    if not silent:
        token = state.push("variant", "", 0)
        token.content = span.group(1)
    state.pos = span.end()
    return True


def _citation_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if not src.startswith("[^", pos):
        return False
    span = _CITATION_SPAN.match(src, pos)
    if span is None:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"key": span.group(1)}
    state.pos = span.end()
    return True


def _closing_brackets(state: StateInline) -> dict[int, int]:
    """Position of the ``]`` that closes each ``[`` of the inline text (escapes honoured), computed
    once per text: markdown-it's link rule scans to the end from every ``[`` that has none."""
    cache = state.env.setdefault("_closing_brackets", {})
    table = cache.get(id(state.src))
    if table is None:
        table, open_positions = {}, []
        for match in re.finditer(r"\\.|[\[\]]", state.src):
            if match.group() == "[":
                open_positions.append(match.start())
            elif match.group() == "]" and open_positions:
                table[open_positions.pop()] = match.start()
        cache[id(state.src)] = table
    return table


_OPENER_RUN = re.compile(r"(?:-\{){4,}|(?:!?\[\^?){4,}")


def _inert_run_rule(state: StateInline, silent: bool) -> bool:
    """A long run of openers that nothing closes (``[[[[…``, ``[^[^…``, ``-{-{…``) is plain text:
    taken in one step instead of one character at a time through every inline rule."""
    src, pos = state.src, state.pos
    if src[pos] not in "[!-":
        return False
    run = _OPENER_RUN.match(src, pos)
    if run is None:
        return False
    end = run.end()
    if src[pos] == "-":
        end -= 2  # the last -{ may open a real -{…}-: the variant rule decides
    else:
        closing = _closing_brackets(state)
        if any(src[i] == "[" and i in closing for i in range(pos, end)):
            return False
    if not silent:
        state.pending += src[pos:end]
    state.pos = end
    return True


def _closed_label_first(rule, offset: int):
    """markdown-it's ``link``/``image`` rule, asked only when the label's ``[`` (at ``pos + offset``)
    is closed within :data:`MAX_LINK_LABEL` characters — otherwise it could not match anyway."""

    def bounded(state: StateInline, silent: bool) -> bool:
        start = state.pos + offset
        if state.src.startswith("[", start):
            close = _closing_brackets(state).get(start, -1)
            if close < 0 or close - start > MAX_LINK_LABEL + 1:
                return False
        return rule(state, silent)

    return bounded


def _render_wikilink(self, tokens, idx, options, env) -> str:
    context: RenderContext = env["context"]
    target, label = tokens[idx].meta["target"], tokens[idx].meta["label"]
    url = context.links.get(title_key(target))
    if url:
        return f'<a href="{escape(url)}" class="wikilink">{escape(label)}</a>'
    if target not in context.redlinks:
        context.redlinks.append(target)
    if context.create_links:
        return (f'<a href="{escape(create_article_url(target))}" class="redlink" '
                f'title="{escape(REDLINK_CREATE_TITLE)}">{escape(label)}</a>')
    return f'<span class="redlink" title="{escape(REDLINK_TITLE)}">{escape(label)}</span>'


def _render_figure(self, tokens, idx, options, env) -> str:
    from django.urls import reverse

    from .images.figures import figure_html, missing_figure_html

    context: RenderContext = env["context"]
    figure = tokens[idx].meta["figure"]
    image = context.images.get(figure.name)
    if image is None or not image.has_file:
        if figure.name not in context.missing_images:
            context.missing_images.append(figure.name)
        if not context.show_editor_notes:
            # No figure until the image has a file (never a broken image), but a caption written
            # in the text is the source's words — pandoc often leaks prose into it — so it stays.
            if not figure.caption:
                return ""
            caption_html = self.render(_md.parseInline(figure.caption, env), options, env)
            return f'<span class="figure-pending">{caption_html}</span>'
        admin_url = reverse("admin:articles_image_change", args=[image.pk]) if image else None
        return missing_figure_html(figure.name, admin_url)
    script_suffix = "zh_hant" if context.script == HANT else "zh_hans"
    caption = figure.caption or getattr(image, f"caption_{script_suffix}") or ""
    caption_html = self.render(_md.parseInline(caption, env), options, env) if caption else ""
    # No alt text of its own: the caption's words (the tags of its HTML dropped) describe it.
    alt = figure.alt or getattr(image, f"alt_{script_suffix}") or nh3.clean(caption_html, tags=set())
    html = figure_html(image, image.get_absolute_url(), caption_html, alt)
    # A <figure> cannot sit inside <p>: close the paragraph around it (empty ones are dropped later).
    return f"</p>{html}<p>" if figure_meta_in_paragraph(tokens[idx]) else html


def figure_meta_in_paragraph(token) -> bool:
    return bool(token.meta.get("in_paragraph"))


def _mark_figures_in_paragraphs(state) -> None:
    """Core rule: note which figure tokens stand in a visible paragraph (not a table cell or tight list)."""
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "inline" or index == 0:
            continue
        opener = tokens[index - 1]
        if opener.type == "paragraph_open" and not opener.hidden:
            for child in token.children or ():
                if child.type == "figure":
                    child.meta["in_paragraph"] = True


def _variant_text(content: str, script: str) -> str:
    variants = parse_variants(content)
    if variants:
        return variants.get(script) or next(iter(variants.values()))
    return content


def conversion_markup_text(content: str, script: str) -> tuple[str, str]:
    """What a reader sees of ``-{content}-`` in ``script`` (plain text), and the displayed title it
    sets (``T`` flag, else ""). Flags as in MediaWiki's LanguageConverter: ``T``/``H`` (title,
    page-wide rule) show nothing, ``A`` shows the text for the script (the rule itself is a
    glossary term, see the importer), ``R`` the raw text, ``D`` a description of the rule.
    Unknown flags degrade to the text, never to markup."""
    flagged = _FLAGS.match(content)
    if not flagged:
        return _variant_text(content, script), ""
    flags, text = set(flagged.group(1).upper().replace(" ", "").split(";")), flagged.group(2)
    title = _variant_text(text, script).strip() if "T" in flags else ""
    if flags & {"T", "H"} and "A" not in flags:
        return "", title
    if "R" in flags:
        return text, title
    if "D" in flags:
        variants = parse_variants(text)
        if variants:
            return "；".join(f"{LABELS[s]}：{v}" for s, v in variants.items()), title
    return _variant_text(text, script), title


def _render_variant(self, tokens, idx, options, env) -> str:
    """``-{X}-`` → X; ``-{zh-hans:X;zh-hant:Y}-`` → the reader's script's text; flags: see
    :func:`conversion_markup_text`."""
    context: RenderContext = env["context"]
    text, title = conversion_markup_text(tokens[idx].content.replace("\\|", "|"), context.script)
    context.display_title = context.display_title or title
    return escape(text)


def _render_citation(self, tokens, idx, options, env) -> str:
    context: RenderContext = env["context"]
    key = tokens[idx].meta["key"]
    cited = context.citations.cite(key) if context.citations else None
    if cited is None:
        if context.show_editor_notes:
            return f'<sup class="citation citation-missing" title="{escape(UNKNOWN_KEY_TITLE)}">[?{escape(key)}]</sup>'
        return ""
    number, occurrence = cited
    anchor = anchor_for(key)
    return (
        f'<sup class="citation" id="cite-{anchor}-{occurrence}">'
        f'<a href="#ref-{anchor}">[{number}]</a></sup>'
    )


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(cjk_friendly)
    md.inline.ruler.before("newline", "inert_run", _inert_run_rule)
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.inline.ruler.before("emphasis", "variant", _variant_rule)
    md.inline.ruler.before("escape", "math", math_rule)
    md.inline.ruler.at("link", _closed_label_first(link_rule, 0))
    md.inline.ruler.at("image", _closed_label_first(image_rule, 1))
    md.add_render_rule("math", render_math)
    md.add_render_rule("wikilink", _render_wikilink)
    md.add_render_rule("figure", _render_figure)
    md.core.ruler.push("figures_in_paragraphs", _mark_figures_in_paragraphs)
    md.add_render_rule("variant", _render_variant)
    md.add_render_rule("citation", _render_citation)
    # Content headings sit below the page's own h1/h2 structure.
    return md


_md = _build_parser()


# --- public API ----------------------------------------------------------------------------------


def resolve_titles(targets: set[str], script: str) -> dict[str, str]:
    """URLs of the published articles whose title (either script) is a target — one query."""
    if not targets:
        return {}
    from .models import Article, field_name

    slug_columns = ("slug_zh_hans", "slug_zh_hant")
    rows = Article.objects.published().named(targets).values_list(
        "title_zh_hans", "title_zh_hant", *slug_columns, "aliases__key"
    )
    wanted = slug_columns.index(field_name("slug", script))
    by_title: dict[str, str] = {}
    by_slug: dict[str, str] = {}
    by_alias: dict[str, str] = {}
    for title_hans, title_hant, slug_hans, slug_hant, alias_key in rows:
        url = reverse("articles:article", kwargs={"slug": (slug_hans, slug_hant)[wanted]})
        for title in (title_hans, title_hant):
            by_title.setdefault(title_key(title), url)
        for other_slug in (slug_hans, slug_hant):
            by_slug.setdefault(title_key(other_slug or ""), url)
        if alias_key:
            by_alias.setdefault(alias_key, url)
    # A title beats a slug, a slug beats an alias (two pages may share a bold term).
    return {**by_alias, **by_slug, **by_title}


def protect_table_pipes(text: str) -> str:
    """Escape the pipes of wikilinks and ``-{…}-`` on lines that hold a table pipe elsewhere."""

    def escape_spans(line: str) -> str:
        if "|" not in _PIPED_SPAN.sub("", line):
            return line
        return _PIPED_SPAN.sub(lambda m: re.sub(r"(?<!\\)\|", r"\\|", m.group(0)), line)

    if "|" not in text:
        return text
    return "\n".join(escape_spans(line) for line in text.split("\n"))


def render_markdown(text: str, context: RenderContext) -> str:
    """A block of the dialect (lead, section body, category description) as safe HTML."""
    if not text:
        return ""
    return sanitise(_md.render(protect_table_pipes(text), {"context": context})).replace("<p></p>", "")


def render_inline(text: str, context: RenderContext) -> str:
    """One line of the dialect (a heading, a reference) as safe inline HTML."""
    if not text:
        return ""
    return sanitise(_md.renderInline(text, {"context": context}))


@dataclass
class RenderedReference:
    key: str
    anchor: str
    number: int | None
    html: str
    url: str
    backlinks: list[tuple[str, str]]  # (label, fragment) — a, b, c… for repeated citations
    is_empty: bool


@dataclass
class RenderedSection:
    position: int
    level: int
    anchor: str
    heading_html: str
    body_html: str


@dataclass
class RenderedArticle:
    lead_html: str
    sections: list[RenderedSection]
    references: list[RenderedReference]
    redlinks: list[str]
    unknown_citations: list[str]
    missing_images: list[str] = field(default_factory=list)
    display_title: str = ""  # from a -{T|…}- rule, shown instead of the title when set


def render_article(article, script: str, *, show_editor_notes: bool = False,
                   create_links: bool = False) -> RenderedArticle:
    """Render an article (with prefetched sections and references) in ``script``.

    ``create_links``: red links lead to the admin's "create this article" (the editor's article
    page; not the live preview, where following a link would leave the form being edited).

    Citations are numbered across the lead and then the sections, in that order; references
    list in citation order, uncited ones after them.
    """
    from .models import field_name

    def value(obj, name: str) -> str:
        return getattr(obj, field_name(name, script)) or ""

    sections = list(article.sections.all())
    references = list(article.references.all())
    texts = [value(article, "lead")] + [value(s, "body") for s in sections] + [value(s, "heading") for s in sections]
    texts += [value(r, "text") for r in references]
    from .images.figures import fetch_images

    context = RenderContext(
        script=script,
        links=resolve_titles(wikilink_targets(texts), script),
        citations=CitationState(known_keys={r.key for r in references}),
        show_editor_notes=show_editor_notes,
        create_links=create_links,
        images=fetch_images(figure_names(texts)),
    )
    lead_html = render_markdown(value(article, "lead"), context)
    rendered_sections = [
        RenderedSection(
            position=s.position,
            level=s.level,
            anchor=f"s{index}",
            heading_html=render_inline(value(s, "heading"), context),
            body_html=render_markdown(value(s, "body"), context),
        )
        for index, s in enumerate(sections, start=1)
    ]

    citations = context.citations
    reference_context = RenderContext(script=script, links=context.links, redlinks=context.redlinks,
                                      show_editor_notes=show_editor_notes, create_links=create_links)
    ordered = sorted(references, key=lambda r: (citations.numbers.get(r.key, 10**9), r.position, r.pk))
    next_number = len(citations.numbers)
    rendered_references = []
    for reference in ordered:
        number = citations.numbers.get(reference.key)
        if number is None:
            next_number += 1
            number = next_number
        anchor = anchor_for(reference.key)
        uses = citations.uses.get(reference.key, 0)
        backlinks = [
            ("^" if uses == 1 else _letter(n), f"cite-{anchor}-{n}") for n in range(1, uses + 1)
        ]
        rendered_references.append(RenderedReference(
            key=reference.key,
            anchor=anchor,
            number=number,
            html=render_inline(value(reference, "text"), reference_context),
            url=reference.url,
            backlinks=backlinks,
            is_empty=reference.is_empty,
        ))
    return RenderedArticle(
        lead_html=lead_html,
        sections=rendered_sections,
        references=rendered_references,
        redlinks=context.redlinks,
        unknown_citations=citations.unknown,
        missing_images=context.missing_images,
        display_title=context.display_title,
    )


def _letter(n: int) -> str:
    """1 → a, 26 → z, 27 → aa (Wikipedia's back-link labels)."""
    label = ""
    while n:
        n, rest = divmod(n - 1, 26)
        label = chr(ord("a") + rest) + label
    return label
