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
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline import image as image_rule
from markdown_it.rules_inline import link as link_rule

from . import html_tables
from .cjk_emphasis import cjk_friendly
from . import conversion
from .conversion import HANT, title_key  # noqa: F401  (THE title normalisation; re-exported)
from .images.markup import figure_names, is_figure_target, parse_figure
from .mathml import MATHML_ATTRIBUTES, MATHML_TAGS, math_rule, render_math
from .scripts import LABELS, parse_variants, rule_text
from .url_memo import url_for
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
    "th": {"style", "colspan", "rowspan"},
    "td": {"style", "colspan", "rowspan"},
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
    eager_figure: bool = False  # the next figure is in view when the page opens (the lead's first)
    variant: str = ""  # the reader's variant (zh-cn, zh-tw, zh-hk …); "" means the script itself

    @property
    def reading(self) -> str:
        """The variant whose text a ``-{zh-tw:…;zh-cn:…}-`` rule gives this reader."""
        return self.variant or self.script


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
    eager, context.eager_figure = context.eager_figure, False
    html = figure_html(image, image.get_absolute_url(), caption_html, alt, eager=eager)
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


def _variant_text(content: str, variant: str) -> str:
    text = rule_text(content, variant)
    return content if text is None else text


def conversion_markup_text(content: str, script: str) -> tuple[str, str]:
    """What a reader sees of ``-{content}-`` in ``script`` (a script or a variant; plain text), and the displayed title it
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
    :func:`conversion_markup_text`.

    The text chosen is Markdown like the text around it (``-{zh-tw:**篷車**;zh-cn:**棚车**}-``
    is bold, a ``[[link]]`` links; issue 22), except ``R``'s raw text and ``D``'s description.
    A variant's text holds no braces, so it cannot nest another ``-{…}-``.
    """
    context: RenderContext = env["context"]
    content = tokens[idx].content.replace("\\|", "|")
    text, title = conversion_markup_text(content, context.reading)
    context.display_title = context.display_title or title
    flagged = _FLAGS.match(content)
    if not text.strip() or (flagged and set(flagged.group(1).upper().replace(" ", "").split(";")) & {"R", "D"}):
        return escape(text)
    return self.render(_md.parseInline(text, env), options, env)


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


def _html_table_rule(state, start_line: int, end_line: int, silent: bool) -> bool:
    """Block rule: a stored raw-HTML table (``articles/html_tables.py``) from its ``<table>`` line
    to the balanced ``</table>``; raw HTML stays off for everything else."""
    if state.is_code_block(start_line):
        return False
    first = state.src[state.bMarks[start_line] + state.tShift[start_line]:state.eMarks[start_line]]
    if not first[:7].lower() == "<table>":
        return False
    cache = state.env.setdefault("_html_tables", {})
    if id(state.src) not in cache:
        cache[id(state.src)] = html_tables.stored_table_blocks(state.src.split("\n"))
    end = cache[id(state.src)].get(start_line)
    if end is None or end > end_line:
        return False
    taken = end - start_line
    if not silent:
        token = state.push("html_table", "", 0)
        token.map = [start_line, start_line + taken]
        token.content = state.getLines(start_line, start_line + taken, state.blkIndent, True)
    state.line = start_line + taken
    return True


def _render_html_table(self, tokens, idx, options, env) -> str:
    return html_tables.render_stored(
        tokens[idx].content, lambda text: self.render(_md.parseInline(text, env), options, env))


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(cjk_friendly)
    md.block.ruler.before("table", "html_table", _html_table_rule, {"alt": ["paragraph"]})
    md.add_render_rule("html_table", _render_html_table)
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


def title_rows(targets: set[str]) -> list[tuple]:
    """The published articles a set of link targets can name (either script's title, a slug or an
    alias) — one query, shared by every variant of a page (:func:`resolve_titles`)."""
    if not targets:
        return []
    from .models import Article

    return list(Article.objects.published().named(targets).values_list(
        "title_zh_hans", "title_zh_hant", "slug_zh_hans", "slug_zh_hant", "aliases__key"
    ))


def resolve_titles(targets: set[str], script: str, rows: list[tuple] | None = None) -> dict[str, str]:
    """URLs of the published articles whose title (either script) is a target — one query (none
    if ``rows`` from :func:`title_rows` are given)."""
    if not targets:
        return {}
    from .models import field_name
    from .variants import SCRIPT_OF

    rows = title_rows(targets) if rows is None else rows
    wanted = ("slug_zh_hans", "slug_zh_hant").index(field_name("slug", SCRIPT_OF.get(script, script)))
    by_title: dict[str, str] = {}
    by_slug: dict[str, str] = {}
    by_alias: dict[str, str] = {}
    for title_hans, title_hant, slug_hans, slug_hant, alias_key in rows:
        url = url_for("articles:article", slug=(slug_hans, slug_hant)[wanted])
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
    number: str = ""  # the table of contents' number by level: 1, 1.1, 2 (MediaWiki's)


@dataclass
class RenderedArticle:
    lead_html: str
    sections: list[RenderedSection]
    references: list[RenderedReference]
    redlinks: list[str]
    unknown_citations: list[str]
    missing_images: list[str] = field(default_factory=list)
    display_title: str = ""  # from a -{T|…}- rule, shown instead of the title when set
    #: The anchor of the section the references are shown in (its heading is the article's
    #: references heading), or "" for a references section of their own after the sections.
    references_section: str = ""


def source_in(stored: str, variant: str, terms=(), *, vocabulary: bool = True) -> str:
    """The Markdown a reader of ``variant`` gets from text stored in the variant's script: as
    stored for zh-hans / zh-hant (today's pages), with the region's vocabulary for zh-cn / zh-tw /
    zh-hk (``conversion.to_variant``; ``terms`` are the glossary's, article's first)."""
    from .variants import REGIONAL

    if variant not in REGIONAL or not stored:
        return stored
    return conversion.to_variant(stored, variant, terms, vocabulary=vocabulary)


def source_script(obj, name: str, variant: str, script: str) -> str:
    """The column a regional variant converts field ``name`` from: the script the editor wrote it
    in when recorded (``written_scripts``), else the variant's own script. The written text, not
    its conversion: regional vocabulary replaces only words written in another region's script
    (``regional.written_in_simplified``), and the Simplified column of a text typed in 繁體 holds
    Taiwan words in 简体 (軟體 → 软体) that zh-cn could no longer tell from mainland usage."""
    from .conversion import HANS, HANT
    from .variants import REGIONAL

    written = obj.written_script(name) if variant in REGIONAL and hasattr(obj, "written_script") else None
    return written if written in (HANS, HANT) else script


def render_article(article, script: str, *, show_editor_notes: bool = False,
                   shared: dict | None = None, create_links: bool = False) -> RenderedArticle:
    """Render an article (with prefetched sections and references) in ``script`` (or a regional
    variant: the script's text with the region's vocabulary).

    ``create_links``: red links lead to the admin's "create this article" (the editor's article
    page; not the live preview, where following a link would leave the form being edited).

    Citations are numbered across the lead and then the sections, in that order; references
    list in citation order, uncited ones after them. ``shared`` (a dict the caller keeps across
    the variants of one article) lets several variants share their queries: the glossary, the
    linked titles and the images.
    """
    from .glossaries import terms_for_article
    from .images.figures import fetch_images
    from .models import field_name
    from .variants import REGIONAL, SCRIPT_OF

    shared = {} if shared is None else shared
    variant = script if script in REGIONAL else ""
    script = SCRIPT_OF.get(script, script)
    # The article's terms, then its named glossaries', then the site's (articles/glossaries.py);
    # computed once for the variants of one article.
    terms = ()
    if variant:
        if "terms" not in shared:
            shared["terms"] = terms_for_article(article)
        terms = shared["terms"]
    values: dict[tuple[int, str], str] = {}

    def value(obj, name: str, *, vocabulary: bool = True) -> str:
        # References: script only (a cited title is quoted as published).
        key = (id(obj), name)
        if key not in values:
            stored = getattr(obj, field_name(name, source_script(obj, name, variant, script))) or ""
            values[key] = source_in(stored, variant or script, terms, vocabulary=vocabulary)
        return values[key]

    sections = list(article.sections.all())
    references = list(article.references.all())
    texts = [value(article, "lead")] + [value(s, "body") for s in sections] + [value(s, "heading") for s in sections]
    texts += [value(r, "text", vocabulary=False) for r in references]
    targets = wikilink_targets(texts)
    target_key = ("titles", frozenset(targets))
    if target_key not in shared:
        shared[target_key] = title_rows(targets)
    names = figure_names(texts)
    image_key = ("images", tuple(names))
    if image_key not in shared:
        shared[image_key] = fetch_images(names)

    context = RenderContext(
        script=script,
        variant=variant,
        links=resolve_titles(targets, variant or script, shared[target_key]),
        citations=CitationState(known_keys={r.key for r in references}),
        show_editor_notes=show_editor_notes,
        create_links=create_links,
        images=shared[image_key],
    )
    context.eager_figure = True  # the lead's first figure is in view when the page opens
    lead_html = render_markdown(value(article, "lead"), context)
    context.eager_figure = False
    numbers = outline_numbers([s.level for s in sections])
    rendered_sections = [
        RenderedSection(
            number=number,
            position=s.position,
            level=s.level,
            anchor=f"s{index}",
            heading_html=render_inline(value(s, "heading"), context),
            body_html=render_markdown(value(s, "body"), context),
        )
        for index, (s, number) in enumerate(zip(sections, numbers), start=1)
    ]

    references_heading = value(article, "references_heading").strip()
    references_section = next(
        (r.anchor for s, r in zip(reversed(sections), reversed(rendered_sections))
         if references_heading and value(s, "heading").strip() == references_heading), "")

    citations = context.citations
    reference_context = RenderContext(script=script, variant=variant, links=context.links,
                                      redlinks=context.redlinks, show_editor_notes=show_editor_notes,
                                      create_links=create_links)
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
            html=render_inline(value(reference, "text", vocabulary=False), reference_context),
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
        references_section=references_section if rendered_references else "",
    )


def outline_numbers(levels: list[int]) -> list[str]:
    """Numbers by level as MediaWiki's table of contents shows them: 2, 3, 3, 2 → 1, 1.1, 1.2, 2.

    A skipped level does not add a number (2, 4 → 1, 1.1), and a heading shallower than the first
    one starts again at the top, as MediaWiki does.
    """
    stack: list[tuple[int, int]] = []  # (level, count) from the top down
    numbers = []
    for level in levels:
        while stack and stack[-1][0] > level:
            stack.pop()
        if stack and stack[-1][0] == level:
            stack[-1] = (level, stack[-1][1] + 1)
        else:
            stack.append((level, 1))
        numbers.append(".".join(str(count) for _, count in stack))
    return numbers


def _letter(n: int) -> str:
    """1 → a, 26 → z, 27 → aa (Wikipedia's back-link labels)."""
    label = ""
    while n:
        n, rest = divmod(n - 1, 26)
        label = chr(ord("a") + rest) + label
    return label
