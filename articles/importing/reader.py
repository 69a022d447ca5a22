"""Read wiki articles exported to Markdown by pandoc (the seed's format): text in, :class:`ParsedArticle` out.

The parser is a set of small plain functions with no database access; ``saving.py`` writes the
result (one transaction per article). :func:`read_article_file` also recognises the files written
by ``export_wiki`` by their front matter (``export_format.py``), so content can be round-tripped.

Pandoc-wiki specifics handled here (DESIGN.md, "Import format"):

* the title is the file name (``_`` for space), as the export names pages; the bold terms of the
  lead's first paragraph become aliases (``臨昌君`` for ``李焜.md``) that resolve links and redirect;
* ``[label](https://zh.wikipedia.org/wiki/X "wikilink")``, ``[label](../Page/X.md "wikilink")`` and
  ``[label](X "wikilink")`` become ``[[X|label]]`` — with pandoc's escapes (``\\(``), ``_`` for space
  and percent-encoding undone — and a label that merely starts with the target (pandoc glued the
  next characters into it) becomes ``[[X]]rest``;
* ``\\[n\\]`` becomes the citation ``[^n]``; the numbered list at the end of the file (pandoc's
  ``<references/>``) becomes the references, empty items kept so numbers stay right, under the
  heading that held it (注释, 参考资料…); other lists under such headings (a bibliography, external
  links) stay sections with their own heading and order, as Cite's groups do;
* ``[Category:X](…)`` links (also ``分类:``…) become categories; ``-{H|…}-``/``-{A|…}-`` rules become
  the article's glossary terms (``A`` also shows its text); stray HTML is dropped (``<script>``/
  ``<style>`` with their content), and so is wikitable residue (``|- |colspan="3"|``, ``{{-}}``)
  without the text around it; an unexpanded infobox keeps its values as ``name：value`` lines;
* code blocks stay verbatim (as pandoc shows them), and pandoc's ``\\(…\\)``/``\\[…\\]`` formulas
  are kept as ``\\(…\\)``/``$$…$$`` for the renderer's MathML.

Markdown headings are found with markdown-it-py's parser (the renderer's own), so a ``##`` inside
a code block is never taken for a heading.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote

from markdown_it import MarkdownIt

from .. import conversion
from .. import html_tables
from ..images.markup import canonical_name, figure_markup
from ..mathml import looks_like_tex
from ..scripts import HANS, HANT, parse_variants
from ..text import without_control_characters
from .export_format import is_export, parse_export
from .parsed import ImportFailure, ParsedArticle, ParsedReference, ParsedSection, check_sizes

# Headings whose content is the reference list, not a section (both scripts; compared simplified).
REFERENCE_HEADINGS = frozenset(
    conversion.to_simplified(h)
    for h in (
        "参考文献", "参考资料", "参考", "参考来源", "参考书目", "资料来源", "来源", "引用", "引用文献",
        "注释", "注解", "注释与参考文献", "脚注", "附注", "备注", "注", "出处", "文献",
    )
)


_md = MarkdownIt("commonmark").enable("table")

# The destination may hold balanced parentheses: ../Page/河北省_(中華民國).md
_WIKILINK = re.compile(
    r'\[((?:[^\[\]\\]|\\.)*)\]\(\s*<?((?:[^\s()<>]|\([^\s()]*\))+)>?\s+"(wikilink|fig:[^"]*)"\s*\)', re.S
)
# The Category namespace, also under its Chinese aliases (MediaWiki accepts them in links).
CATEGORY_NAMESPACES = ("Category", "分类", "分類", "类别", "類別")
_CATEGORY = re.compile(
    r'\[(?:' + "|".join(CATEGORY_NAMESPACES) + r')\s*:((?:[^\[\]\\]|\\.)+?)\]\((?:[^)\\]|\\.)*?"wikilink"\)', re.S | re.I
)
_CONVERSION_RULE = re.compile(r"\\?-\{\s*([HA])\s*\|(.*?)\}-", re.S)
_VARIANTS = re.compile(r"-\{((?:\s*zh-[a-zA-Z]+\s*:[^;{}]*;?)+)\}-")
_FOOTNOTE = re.compile(r"\\\[(\d+)\\\]")
_HTML_BLOCK = re.compile(r"<(script|style|iframe|object|embed|noscript|template)\b.*?(?:</\1\s*>|\Z)", re.S | re.I)
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s+[^<>]*?)?/?>|<!--.*?(?:-->|\Z)", re.S)
_LIST_ITEM = re.compile(r"^(\d+)\.(?:\s+(.*))?$")
_BULLET_ITEM = re.compile(r"^\s{0,3}[-*+]\s+(.*)$")
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
# Wiki link destinations: the site's URL, the export's ../Page/X.md, or (pandoc's MediaWiki reader
# without a base URL) the bare title; the link title "wikilink" says which links are wiki links.
_WIKI_URL = re.compile(r"^(?:https?://zh\.wikipedia\.org/wiki/|(?:\.\./)?Page/|(?![a-zA-Z][a-zA-Z0-9+.-]*:|[/#.]))(.+?)(?:\.md)?$")


# ---------------------------------------------------------------------------------------------
# Inline text


def unescape_pandoc(text: str) -> str:
    """Undo pandoc escapes that are not Markdown markup here; keep the ones CommonMark needs."""
    text = re.sub(r"\\([()\"'~^$%&@=:;,.!?/{}-])", r"\1", text)
    # An underscore inside a word is never emphasis in CommonMark.
    return re.sub(r"(?<=\w)\\_(?=\w)", "_", text)


def wiki_target(url: str) -> str | None:
    """The page title a wiki URL points to (``…/wiki/陸軍_\\(日本\\)`` → ``陸軍 (日本)``), or None."""
    match = _WIKI_URL.match(url.strip())
    if not match:
        return None
    title = unquote(unescape_pandoc(match.group(1)).replace("\\", ""))
    title = title.split("#", 1)[0].replace("_", " ").strip()
    return title or None


def _clean_label(label: str) -> str:
    return re.sub(r"\s*\n\s*", " ", label).strip()


def _wikilink(target: str, label: str) -> str:
    """``[[target]]`` or ``[[target|label]]``; a label that starts with the target keeps the rest as text."""
    if not label or label == target:
        return f"[[{target}]]"
    head = label[: len(target)]
    if conversion.to_simplified(head) == conversion.to_simplified(target):
        link = f"[[{target}]]" if head == target else f"[[{target}|{head}]]"
        return link + label[len(target):]
    return f"[[{target}|{label}]]"


# A pandoc figure: [alt](…/File:X.jpg "fig:caption"). Pandoc sometimes leaks the wiki caption as the
# text after the link, closed by a stray \]\] on the same line; that text is the caption.
_FIGURE = re.compile(
    r'\[(?:[^\[\]\\]|\\.)*\]\(\s*<?(?P<url>(?:[^\s()<>]|\([^\s()]*\))+)>?\s+"fig:(?P<title>[^"]*)"\s*\)'
    r"(?:(?P<tail>[^\n]*?)\\\]\\\])?"
)
_STORED_WIKILINK = re.compile(r"\[\[([^\[\]|]*)(?:\|([^\[\]]*))?\]\]")


def convert_figures(text: str) -> str:
    """Pandoc figures → ``[[File:名称|说明]]`` at the same place (``\\|`` inside a table row).

    The name comes from the link's target with MediaWiki's ``NNNpx-`` thumbnail prefix removed; the
    caption is the leaked wiki caption if there is one, else the ``fig:`` title unless that is just
    the file name again. Links inside a caption keep their text (figure captions hold no links here).
    """

    def replace(match: re.Match[str]) -> str:
        target = wiki_target(match.group("url")) or unescape_pandoc(match.group("title"))
        name = canonical_name(target)
        if not name:
            return ""
        caption = ""
        if match.group("tail") and match.group("tail").strip():
            caption = _STORED_WIKILINK.sub(lambda m: m.group(2) or m.group(1), convert_links(match.group("tail")))
        elif canonical_name(unquote(unescape_pandoc(match.group("title")))) != name:
            caption = unescape_pandoc(match.group("title"))
        line_start = text.rfind("\n", 0, match.start()) + 1
        in_table = text[line_start:match.start()].lstrip().startswith("|")
        return figure_markup(name, unescape_pandoc(caption).strip(), in_table=in_table)

    return _FIGURE.sub(replace, text)


def convert_links(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        label, url, kind = _clean_label(match.group(1)), match.group(2), match.group(3)
        target = wiki_target(url)
        if kind.startswith("fig:") or (target and re.match(r"(?i)(file|image|文件|档案|檔案|图像|圖像):", target)):
            return ""  # a link to a file's page (figures were converted before, by convert_figures)
        if target is None:
            return f"[{label}]({url})"
        if ":" in target and target.split(":", 1)[0] in {"Template", "Wikipedia", "Help", "Portal", "Special"}:
            return label
        return _wikilink(target, unescape_pandoc(label))

    return _WIKILINK.sub(replace, text)


def normalise_variants(text: str) -> str:
    """``-{zh-cn:X;zh-tw:Y;}-`` → ``-{zh-hans:X;zh-hant:Y}-`` (the two variants the site has)."""

    def replace(match: re.Match[str]) -> str:
        variants = parse_variants(match.group(1))
        if variants is None:
            return match.group(0)
        hans, hant = variants.get(HANS), variants.get(HANT)
        hans, hant = hans or hant or "", hant or hans or ""
        return f"-{{{hans}}}-" if hans == hant else f"-{{zh-hans:{hans};zh-hant:{hant}}}-"

    return _VARIANTS.sub(replace, text)


_TEMPLATE = re.compile(r"\{\{[^{}]*\}\}")


_TEMPLATE_PARAMETER = re.compile(r"^\s*([^\W_][\w \t-]{0,40}?)\s*=(.*)$", re.S)


def _unexpanded_template(match: re.Match[str]) -> str:
    """An unexpanded template pandoc left as text: an infobox-like one (named parameters) keeps its
    filled-in values as a list of ``name：value`` lines — real text, such as the developer or the
    licence of a program — and anything else (``{{-}}``, ``{{•}}``) goes."""
    parameters = [_TEMPLATE_PARAMETER.match(part) for part in match.group(0)[2:-2].split("|")[1:]]
    rows = [
        f"- {m.group(1).strip()}：{' '.join(m.group(2).split())}" for m in parameters if m and m.group(2).strip()
    ]
    if sum(1 for m in parameters if m) < 2 or not rows:
        return ""
    return "\n\n" + "\n".join(rows) + "\n\n"


def strip_html(text: str) -> str:
    """Drop raw HTML (keeping the text between tags), executable blocks with their content, and
    unexpanded wiki templates (see :func:`_unexpanded_template`), which pandoc could not render either."""
    text = _HTML_TAG.sub(_REMOVED, _HTML_BLOCK.sub(_REMOVED, text))
    while _TEMPLATE.search(text):  # nested templates, innermost first
        text = _TEMPLATE.sub(lambda m: _unexpanded_template(m) or _REMOVED, text)
    # What stood after markup removed at the start of a line does not become indented by the
    # spaces that followed the markup: ``{{-}}   **名**`` would otherwise read as a code block.
    return _REMOVED_AT_LINE_START.sub(r"\1", text).replace(_REMOVED, "")


_REMOVED = "\ue002"  # marks where markup was removed, until the spaces after it are settled
_REMOVED_AT_LINE_START = re.compile(r"^([^\S\n]*)(?:\ue002[^\S\n]*)+", re.M)


_EMPTY_BOLD = re.compile(r"(?<!\*)\*{4}(?!\*)")


# pandoc writes MediaWiki's <math> as \(…\) and \[…\] (GFM has no math); stored as \(…\) and $$…$$.
_PANDOC_MATH = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.S)
_LINK_DESTINATION = re.compile(r"\]\((?:\\.|[^\s\\)])*")
_MATH_SLOT = re.compile("\ue000(\\d+)\ue001")


def _table_link(href: str, title: str, label: str) -> str:
    """A link inside a raw-HTML table, by the rule of :func:`convert_links`."""
    target = wiki_target(href) if title == "wikilink" or title.startswith("fig:") else None
    if target is not None:
        if title.startswith("fig:") or re.match(r"(?i)(file|image|文件|档案|檔案|图像|圖像):", target):
            return ""
        return _wikilink(target, label)
    if re.match(r"(?i)https?://", href):
        return f"[{_escape_markdown(label)}](<{href.replace('>', '%3E')}>)"
    return _escape_markdown(label)


def _escape_markdown(text: str) -> str:
    """Text that is literal in HTML but would be markup in Markdown."""
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", text)


def _table_text(text: str) -> str:
    """The text of a raw-HTML table cell in the stored dialect: literal, but ``[1]`` is a citation
    and ``-{…}-`` a conversion rule, as in the rest of the file."""
    text = re.sub(r"\\\[(\d+)\\\]", r"[^\1]", _escape_markdown(text))
    return normalise_variants(text)


_TABLE_SLOT = re.compile("\ue003(\\d+)\ue004")


def _convert_prose(text: str) -> str:
    # Raw-HTML tables (pandoc's, for cells that hold lists or paragraphs) keep their structure
    # and links in the stored form of articles/html_tables.py (issue 22), as a block of their own.
    tables: list[str] = []
    for start, end in reversed(html_tables.find_tables(text)):
        tables.append(html_tables.from_pandoc(text[start:end], _table_link, _table_text))
        text = f"{text[:start]}\n\n\ue003{len(tables) - 1}\ue004\n\n{text[end:]}"
    text = _convert_prose_outside_tables(text)
    return _TABLE_SLOT.sub(lambda m: tables[int(m.group(1))], text) if tables else text


def _convert_prose_outside_tables(text: str) -> str:
    formulas: list[str] = []

    # Link destinations escape parentheses too: …/wiki/C_\(programming_language\) is no formula.
    destinations = [m.span() for m in _LINK_DESTINATION.finditer(text)]

    def keep_formula(match: re.Match[str]) -> str:
        inline, display = match.group(1), match.group(2)
        tex = inline if inline is not None else display
        if not looks_like_tex(tex) or any(start < match.start() < end for start, end in destinations):
            return match.group(0)
        formulas.append(f"\\({tex.strip()}\\)" if inline is not None else f"$${tex.strip()}$$")
        return f"\ue000{len(formulas) - 1}\ue001"

    text = _PANDOC_MATH.sub(keep_formula, text)
    text = _EMPTY_BOLD.sub("", strip_html(text))
    text = convert_figures(text)
    text = convert_links(text)
    text = _FOOTNOTE.sub(r"[^\1]", text)
    text = normalise_variants(text)
    text = unescape_pandoc(text)
    return _MATH_SLOT.sub(lambda m: formulas[int(m.group(1))], text) if formulas else text


def _code_block_lines(text: str) -> set[int]:
    """Line numbers inside code blocks (indented or fenced, at any depth), per markdown-it."""
    lines: set[int] = set()
    for token in _md.parse(text):
        if token.type in {"code_block", "fence"} and token.map:
            lines.update(range(*token.map))
    return lines


def convert_inline(text: str) -> str:
    """Pandoc-wiki Markdown → the stored dialect, for any piece of text.

    Code blocks stay verbatim: pandoc shows their text as written (links and escapes included),
    and so do we — converting a link inside one would show ``[[…]]`` markup to readers.
    """
    code = _code_block_lines(text) if ("    " in text or "```" in text or "~~~" in text) else set()
    if not code:
        return _trimmed(_convert_prose(text))
    lines = text.split("\n")
    out: list[str] = []
    starts_with_code = None  # whether the first chunk with any text left is code
    start = 0
    while start < len(lines):
        in_code = start in code
        stop = start
        while stop < len(lines) and (stop in code) == in_code:
            stop += 1
        chunk = "\n".join(lines[start:stop])
        # Executable blocks go even from code (harmless once escaped, but never worth storing).
        out.append(_HTML_BLOCK.sub("", chunk) if in_code else _convert_prose(chunk))
        if starts_with_code is None and out[-1].strip():
            starts_with_code = in_code
        start = stop
    return _trimmed("\n".join(out), keep_indentation=bool(starts_with_code))


_LIST_MARKER_LINE = re.compile(r"^[^\S\n]{1,3}(?:[-*+]|\d{1,9}[.)])(?:[^\S\n]|$)")


def _trimmed(text: str, keep_indentation: bool = False) -> str:
    """Blank lines and white space go at both ends, but never a code block's indentation nor a
    list item's: those are structure.

    pandoc indents a top-level list item by two spaces (``  - 第一款``); stripping them from the
    first item only (issue 22) made every later item, still indented, a sub-item of the first.
    Before a paragraph, up to three spaces mean nothing in CommonMark (and are often what a
    removed rule or template left), so they go.
    """
    text = re.sub(r"^(?:[^\S\n]*\n)+", "", text).rstrip()
    return text if keep_indentation or _LIST_MARKER_LINE.match(text) else text.lstrip()


def _conversion_as_text(match: re.Match[str]) -> str:
    """``-{…}-`` as plain Simplified-first text: the variant for zh-hans, or the text after a flag."""
    content = re.sub(r"^\s*[A-Za-z]+(?:\s*;\s*[A-Za-z]+)*\s*\|", "", match.group(1))
    variants = parse_variants(content)
    return (variants.get(HANS) or next(iter(variants.values()))) if variants else content


def clean_title(raw: str, keep_conversion: bool = False) -> str:
    """A plain-text title: markup, escapes and ``-{}-`` wrappers removed (unless ``keep_conversion``:
    a heading keeps them for the renderer), white space folded."""
    title = raw.replace("\\-{", "-{")
    if not keep_conversion:
        title = re.sub(r"-\{(.*?)\}-", _conversion_as_text, title)
    title = re.sub(r"\\(.)", r"\1", title).replace("`", "").replace("*", "")
    title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title)
    return re.sub(r"\s+", " ", title).strip()


# ---------------------------------------------------------------------------------------------
# Blocks


def _split_by_headings(text: str) -> tuple[str, list[tuple[int, str, str]]]:
    """The text before the first heading, and (level, heading, body) for each heading."""
    lines = text.split("\n")
    headings = [
        (token.map[0], token.map[1], int(token.tag[1]), tokens[i + 1].content)
        for tokens in [_md.parse(text)]
        for i, token in enumerate(tokens)
        # Top-level ATX headings only: pandoc writes no setext headings, and a bold line followed
        # by "-" inside a list item would otherwise read as one.
        if token.type == "heading_open" and token.map and token.level == 0 and token.markup.startswith("#")
    ]
    if not headings:
        return text, []
    lead = "\n".join(lines[: headings[0][0]])
    parts = []
    for index, (start, end, level, heading) in enumerate(headings):
        stop = headings[index + 1][0] if index + 1 < len(headings) else len(lines)
        parts.append((level, heading, "\n".join(lines[end:stop])))
    return lead, parts


def _trailing_numbered_list(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Split off the numbered list that ends the file (pandoc's rendering of <references/>).

    Walking back from the end over items, blank lines and indented continuations, the list
    starts at the item numbered 1; anything else ends the walk and means there is no such list.
    """
    lines = text.rstrip().split("\n")
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        item = _LIST_ITEM.match(line)
        if item and item.group(1) == "1":
            return "\n".join(lines[:index]), _list_items(lines[index:])
        if not item and line.strip() and not line.startswith("  "):
            break
    return text, []


def _list_items(lines: list[str]) -> list[tuple[str, str]]:
    """Numbered (``3. text``) and bulleted items with their continuation lines, in order."""
    items: list[list[str]] = []
    keys: list[str | None] = []
    for line in lines:
        numbered, bullet = _LIST_ITEM.match(line), _BULLET_ITEM.match(line)
        if numbered:
            keys.append(numbered.group(1))
            items.append([numbered.group(2) or ""])
        elif bullet:
            keys.append(None)
            items.append([bullet.group(1)])
        elif line.strip():
            if not items:  # text that is not a list item: keep it as an item of its own
                keys.append(None)
                items.append([])
            items[-1].append(line.strip())
    return [(key or "", " ".join(part for part in parts if part)) for key, parts in zip(keys, items)]


# Wikitable syntax pandoc could not convert (navigation boxes, succession tables): row and table
# markers, and cell attributes before a single "|". Only the markup goes; cell text stays.
_TABLE_MARKER = re.compile(r"(?:(?<=\s)|^)(?:\{\||\|\}|\|-+|\|\+)(?=\s|$)[^\S\n]*", re.M)
_CELL_ATTRIBUTES = re.compile(r"(?:(?<=\s)|^)\|?[^\S\n]*(?:[A-Za-z-]+\s*=\s*\"[^\"\n]*\"\s*)+\|(?!\|)")


def _without_residue(text: str) -> str:
    """Drop wikitable residue (``|- |colspan="3" style=…|``) from paragraphs that hold a table
    marker, keeping the real text around it; GFM tables (rows that start and end with ``|``)
    are never touched."""
    paragraphs = re.split(r"(\n\s*\n)", text)
    for index, paragraph in enumerate(paragraphs):
        if index % 2 or not re.search(r"(^|\s)(\{\||\|-|\|\})", paragraph):
            continue
        lines = paragraph.split("\n")
        if all(line.strip().startswith("|") and line.strip().endswith("|") for line in lines if line.strip()):
            continue  # a GFM table: its delimiter row looks like "|---|"
        paragraph = _CELL_ATTRIBUTES.sub(" ", _TABLE_MARKER.sub("", paragraph))
        paragraphs[index] = "\n".join(line.rstrip() for line in paragraph.split("\n") if line.strip())
    return "".join(paragraphs)


def _number_references(footnotes: list[tuple[str, str]]) -> list[ParsedReference]:
    """Footnotes keep their number (the ``[^n]`` citations point at it); a repeated number keeps
    its first text."""
    references: list[ParsedReference] = []
    used: set[str] = set()
    for key, text in footnotes:
        if key and key not in used:
            used.add(key)
            references.append(ParsedReference(key=key, text=convert_inline(text)))
    return references


def parse_wiki_markdown(text: str, file_title: str) -> ParsedArticle:
    """Parse one pandoc-exported wiki article (see the module docstring)."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))

    glossary: list[tuple[str, str]] = []

    def conversion_rule(match: re.Match[str]) -> str:
        """``H`` and ``A`` rules become glossary terms; ``A`` also shows its text where it stands."""
        flag, rule = match.group(1), match.group(2)
        variants = parse_variants(rule) or {}
        hans, hant = variants.get(HANS), variants.get(HANT)
        if hans and hant:
            glossary.append((hans, hant))
        return f"-{{{rule}}}-" if flag == "A" else ""

    text = _CONVERSION_RULE.sub(conversion_rule, text)

    categories: list[str] = []
    for name in _CATEGORY.findall(text):
        name = re.sub(r"\s+", " ", unescape_pandoc(name).replace("\\", "").replace("_", " ")).strip()
        if name and name not in categories:
            categories.append(name)
    text = _CATEGORY.sub("", text)

    has_citations = bool(_FOOTNOTE.search(text))
    lead, parts = _split_by_headings(text)
    is_reference_heading = [conversion.to_simplified(clean_title(h)) in REFERENCE_HEADINGS for _, h, _ in parts]

    footnotes: list[tuple[str, str]] = []
    if has_citations:
        # The trailing numbered list (pandoc's rendering of <references/>) belongs to whatever
        # block ends the file; pandoc moves it to the very end, after the categories.
        if parts:
            level, heading, body = parts[-1]
            body, footnotes = _trailing_numbered_list(body)
            parts[-1] = (level, heading, body)
        else:
            lead, footnotes = _trailing_numbered_list(lead)

    # Notes and references keep their own headings and order (Cite's groups): a bibliography or
    # "external links" list stays a section of its own; the footnotes list is the article's
    # references, shown under the heading of the section that held it when that section is
    # otherwise empty (else under the last empty notes/references heading). When every such
    # heading holds something (leftovers of expanded templates, a stray bold name, a
    # bibliography), the footnotes go under the last of them, after what it holds: that section
    # stays and the renderer puts the references in it (issue 22: never a second heading).
    bodies = [convert_inline(_without_residue(body)) for _, _, body in parts]
    home, home_stays = None, False
    if footnotes:
        # Empty: nothing a reader could read (bullets left by expanded <span> templates count as empty).
        empty = [i for i, is_ref in enumerate(is_reference_heading)
                 if is_ref and not any(ch.isalnum() for ch in bodies[i])]
        headed = [i for i, is_ref in enumerate(is_reference_heading) if is_ref]
        if empty:
            home = len(parts) - 1 if (len(parts) - 1) in empty else empty[-1]
        elif headed:
            home, home_stays = headed[-1], True

    sections: list[ParsedSection] = []
    references_heading = ""
    for index, ((level, heading, _), body) in enumerate(zip(parts, bodies)):
        heading = clean_title(convert_inline(heading), keep_conversion=True)
        if index == home:
            references_heading = heading
            if not home_stays:
                continue
        sections.append(ParsedSection(level=min(max(level, 2), 4), heading=heading, body=body))

    return ParsedArticle(
        title=re.sub(r"\s+", " ", file_title.replace("_", " ")).strip(),
        aliases=_bold_terms(lead),
        lead=convert_inline(_without_residue(lead)),
        sections=sections,
        references=_number_references(footnotes),
        references_heading=references_heading,
        categories=categories,
        glossary=glossary,
    )


_PLAIN_LINK = re.compile(r"\[\[([^\[\]|]*)(?:\|([^\[\]]*))?\]\]|\[\^[^\]\s]+\]")


def _bold_terms(lead: str) -> list[str]:
    """The bold terms of the lead's first paragraph (the article's own names, by Wikipedia's
    style): they become aliases, since the title is the file name."""
    first = next((p for p in re.split(r"\n\s*\n", _EMPTY_BOLD.sub("", lead)) if _BOLD.search(p)), "")
    terms = []
    for bold in _BOLD.findall(first):
        term = clean_title(_PLAIN_LINK.sub(lambda m: m.group(2) or m.group(1) or "", convert_inline(bold)))
        if term and term not in terms and len(term) <= 200:
            terms.append(term)
    return terms[:5]


def read_article_file(path: Path) -> ParsedArticle:
    """Read and parse one file; :class:`ImportFailure` says what is wrong with it."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ImportFailure(f"cannot read: {error.strerror or error}") from error
    try:
        text = without_control_characters(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ImportFailure(f"not UTF-8 text (byte {error.start}: {raw[error.start:error.start + 1]!r})") from error
    if "\x00" in text:
        raise ImportFailure("binary file (contains NUL bytes)")
    if not text.strip():
        raise ImportFailure("empty file")
    if is_export(text):
        try:
            parsed = parse_export(text)
            check_sizes(parsed)
            return parsed
        except (ValueError, KeyError, TypeError) as error:
            raise ImportFailure(f"broken export front matter: {error}") from error
    parsed = parse_wiki_markdown(text, file_title=path.stem)
    if not parsed.title:
        raise ImportFailure("no title: the file name is empty")
    check_sizes(parsed)
    return parsed
