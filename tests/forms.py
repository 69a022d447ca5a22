"""Read a rendered HTML form the way a browser would submit it, for posting with the test client."""
from __future__ import annotations

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.data: dict[str, list[str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_values: list[str] = []
        self._first_option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form" and (self.form_id is None or a.get("id") == self.form_id):
            self.in_form = True
        if not self.in_form:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text")
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select, self._select_values, self._first_option = name, [], None
            self._multiple = "multiple" in a
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self._select_values.append(value)

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            if self._textarea and self.data[self._textarea][-1].startswith("\n"):
                self.data[self._textarea][-1] = self.data[self._textarea][-1][1:]
            self._textarea = None
        elif tag == "select" and self._select:
            values = self._select_values or ([] if self._multiple else [self._first_option or ""])
            self.data[self._select] = values
            self._select = None
        elif tag == "form" and self.in_form:
            self.in_form = False


def form_data(html: str, form_id: str | None = None) -> dict[str, list[str]]:
    """The name → values a browser would submit for the form (first form, or ``form_id``)."""
    parser = _FormParser(form_id)
    parser.feed(html)
    return parser.data


def with_inline_rows(data: dict[str, list[str]], prefix: str, rows: list[dict[str, str]]) -> dict:
    """Add ``rows`` as new inline forms under ``prefix`` (what "Add another" + typing does)."""
    initial = int(data.get(f"{prefix}-INITIAL_FORMS", ["0"])[0])
    for offset, row in enumerate(rows):
        for field, value in row.items():
            data[f"{prefix}-{initial + offset}-{field}"] = [value]
    data[f"{prefix}-TOTAL_FORMS"] = [str(initial + len(rows))]
    return data
