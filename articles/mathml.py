"""TeX math in the stored dialect (``$…$``, ``$$…$$``, ``\\(…\\)``) rendered as MathML on the server.

Browsers render MathML Core natively, so formulas need no JavaScript and the CSP stays
``script-src 'self'``. The conversion is ``latex2mathml`` (pure Python, MIT) rather than a
hand-written TeX parser; a formula it cannot convert is shown as its TeX source in ``<code>``,
never as half-rendered markup. The MathML it emits still goes through the sanitiser, which allows
only the presentation elements and layout attributes listed here (no ``href``, no ``style``, no
``<maction>``, no ``<annotation-xml>``), so content cannot smuggle anything through a formula.

``$…$`` follows pandoc's ``tex_math_dollars`` rule so prices stay text: the opening ``$`` must
have a non-space character right after it, the closing one a non-space character right before
it and no digit right after it (``$10 … $10`` is not a formula); and a ``$…$`` span with Chinese
characters in it is text too (``US$100（约合HK$…``).
"""
from __future__ import annotations

import re

from django.utils.html import escape
from latex2mathml.converter import convert as latex_to_mathml
from markdown_it.rules_inline import StateInline

MATHML_TAGS = {
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub", "msup", "msubsup", "mfrac", "msqrt",
    "mroot", "mover", "munder", "munderover", "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom",
    "menclose", "merror", "mmultiscripts", "mprescripts", "none", "semantics", "annotation",
}
MATHML_ATTRIBUTES = {
    "math": {"display", "xmlns"},
    "mo": {"stretchy", "fence", "separator", "lspace", "rspace", "accent", "movablelimits", "minsize", "maxsize",
           "form", "largeop", "symmetric"},
    "mi": {"mathvariant"},
    "mn": {"mathvariant"},
    "mtext": {"mathvariant"},
    "mstyle": {"displaystyle", "scriptlevel", "mathvariant"},
    "mfrac": {"linethickness"},
    "mspace": {"width", "height", "depth"},
    "mpadded": {"width", "height", "depth", "lspace", "voffset"},
    "mover": {"accent"},
    "munder": {"accentunder"},
    "munderover": {"accent", "accentunder"},
    "mtable": {"columnalign", "rowalign", "columnspacing", "rowspacing", "columnlines", "rowlines", "frame"},
    "mtr": {"columnalign", "rowalign"},
    "mtd": {"columnalign", "rowalign", "columnspan", "rowspan"},
    "menclose": {"notation"},
    "annotation": {"encoding"},
}
MAX_FORMULA_CHARS = 2000


def tex_to_html(tex: str, display: bool = False) -> str:
    """MathML for a formula, or its source in ``<code class="math-error">`` when it cannot be converted."""
    tex = tex.strip()
    if tex and len(tex) <= MAX_FORMULA_CHARS:
        try:
            mathml = latex_to_mathml(tex, display="block" if display else "inline")
        except Exception:  # latex2mathml raises assorted exceptions on malformed TeX
            mathml = ""
        opening, _, rest = mathml.partition(">")
        if rest.endswith("</math>"):
            # The TeX source rides along as MathML's own annotation (as on Wikipedia): invisible,
            # but copy-paste, screen readers and the fidelity measurement can read it.
            html = (f"{opening}><semantics>{rest[:-len('</math>')]}"
                    f'<annotation encoding="application/x-tex">{escape(tex)}</annotation></semantics></math>')
            # A display formula wider than a phone scrolls inside its own box, never the page
            # (issue 22: one formula made the page 1,038 px wide at 375 px).
            return f'<span class="math-display">{html}</span>' if display else html
    return f'<code class="math-error">{escape(tex)}</code>'


def _closing_dollar(src: str, start: int, end: int) -> int:
    """Position of the ``$`` that closes an inline formula opened before ``start``, or -1."""
    pos = start
    while True:
        pos = src.find("$", pos, end)
        if pos < 0:
            return -1
        if src[pos - 1] == "\\":
            pos += 1
            continue
        if not src[pos - 1].isspace() and not (pos + 1 < end and src[pos + 1].isdigit()):
            return pos
        pos += 1


def math_rule(state: StateInline, silent: bool) -> bool:
    """Inline rule for ``\\(…\\)``, ``$$…$$`` and ``$…$`` (insert before markdown-it's ``escape``)."""
    src, pos, end = state.src, state.pos, state.posMax
    if src.startswith("\\(", pos):
        close = src.find("\\)", pos + 2, end)
        content_start, after, display = pos + 2, close + 2, False
    elif src.startswith("$$", pos):
        close = src.find("$$", pos + 2, end)
        content_start, after, display = pos + 2, close + 2, True
    elif src.startswith("$", pos) and pos + 1 < end and not src[pos + 1].isspace():
        close = _closing_dollar(src, pos + 2, end) if src[pos + 1] != "$" else -1
        content_start, after, display = pos + 1, close + 1, False
    else:
        return False
    if close < 0 or close == content_start:
        return False
    if src[pos] == "$" and not display and _CJK.search(src, content_start, close):
        return False  # "US$100，约合HK$" is prices in Chinese text, not a formula
    if not silent:
        token = state.push("math", "", 0)
        token.content = src[content_start:close]
        token.meta = {"display": display}
    state.pos = after
    return True


def render_math(self, tokens, idx, options, env) -> str:
    return tex_to_html(tokens[idx].content, tokens[idx].meta["display"])


_TEX_SIGNAL = re.compile(r"\\[A-Za-z]+|[_^][{A-Za-z0-9]|=")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def looks_like_tex(content: str) -> bool:
    """Whether pandoc's ``\\(…\\)``/``\\[…\\]`` around ``content`` was a formula rather than escaped
    brackets around text (``\\(濱崎步單曲\\)``, ``\\[1\\]``, ``\\[<http://…> title\\]``)."""
    return bool(_TEX_SIGNAL.search(content)) and not _CJK.search(content) and "://" not in content
