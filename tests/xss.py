"""Hostile payloads and a check that rendered HTML can execute none of them."""
from __future__ import annotations

from html.parser import HTMLParser

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "[点我](javascript:alert(1))",
    "[点我](JaVaScRiPt:alert(1))",
    "[点我](java\tscript:alert(1))",
    "[点我](&#106;avascript:alert(1))",
    "[点我](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[点我](vbscript:msgbox(1))",
    "![图](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<style>body{background:expression(alert(1))}</style>',
    '<body onload=alert(1)>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '"><script>alert(1)</script>',
    "[[x\" onmouseover=\"alert(1)|标签]]",
    "[[<script>alert(1)</script>]]",
    "-{<img src=x onerror=alert(1)>}-",
    "-{zh-hans:<script>alert(1)</script>;zh-hant:x}-",
    "[^<script>]",
    "<details open ontoggle=alert(1)>",
    '<a href="#" onclick="alert(1)">点</a>',
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    "\u202egnp.exe<script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</script>",
    "<!--<script>alert(1)//-->",
    '[x](https://example.org/" onmouseover="alert(1))',
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
]

EXECUTABLE_TAGS = {"script", "iframe", "object", "embed", "base", "meta", "form", "style", "svg", "math", "input",
                   "video", "source", "details", "body", "img", "link", "frame", "frameset", "applet"}


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in EXECUTABLE_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name in {"href", "src", "action", "formaction", "data", "xlink:href"} and value:
                scheme = "".join(value.split()).lower()
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.problems.append(f"{tag}[{name}={value}]")
            if name == "style" and value and ("expression" in value or "url(" in value):
                self.problems.append(f"{tag}[style]")


def executable_content(html: str, allowed_tags: frozenset[str] = frozenset()) -> list[str]:
    """What in ``html`` could run script; ``allowed_tags`` are the page's own (e.g. its stylesheet link)."""
    checker = _Checker()
    checker.feed(html)
    return [p for p in checker.problems if p.strip("<>") not in allowed_tags]
