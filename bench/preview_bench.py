"""Time the article form's live preview at the model's size limit (issue 26).

Before: a 200,000-character lead rich in ambiguous characters took 8.5 s and answered 54.7 MB of
JSON after every typing pause (the review copied the whole converted text with a <select> per
character); a 1,000,000-character lead killed the worker. Target: well under 1 s at the limit, a
response of a few times the text, and an instant 400 beyond it. Measured: 0.1–0.4 s for plain,
ambiguous, Traditional and real (the corpus, concatenated) text at 200,000 characters; a
synthetic text with markup every few characters still takes 3–6 s, in markdown-it-py's parse of
both scripts — the public renderer's own cost, not the preview's. Run:
``DEBUG=1 .venv/bin/python bench/preview_bench.py`` (a throwaway SQLite database in a temporary
folder). Not a test; tests/test_editing.py checks the limit and the response size.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "treatysite.settings")
os.environ.setdefault("DEBUG", "1")
_folder = tempfile.mkdtemp(prefix="preview-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{_folder}/bench.sqlite3"
os.environ.pop("REDIS_URL", None)

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from articles.models import MAX_TEXT_CHARS  # noqa: E402

CASES = {
    "ambiguous 200k": "他的头发和干部在里面后来只见台系发现。",
    "plain 200k": "条约是国家之间订立的书面协议，",
    "markup 200k": "[[苏联]]与[^a]、-{干}-，**粗体**\n\n",
    "traditional 200k": "他的頭髮和幹部在裡面後來隻見臺係發現。",
}


CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def corpus_text() -> str | None:
    """Real articles' Markdown (the corpus, when present), as dense in markup as real text is."""
    files = sorted(CORPUS.glob("*.md")) if CORPUS.is_dir() else []
    return "\n\n".join(path.read_text(encoding="utf-8") for path in files) or None


def throwaway_site() -> None:
    """Migrate the temporary SQLite database (also used by ``feed_bench.py``)."""
    setup_test_environment()
    call_command("migrate", verbosity=0)


def main() -> int:
    throwaway_site()
    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "x")
    client = Client()
    client.force_login(user)
    url = reverse("admin:articles_article_preview")
    worst = 0.0
    print(f"{'case':20}{'status':>8}{'seconds':>10}{'bytes':>12}")
    corpus = corpus_text()
    cases = {**CASES, **({"corpus 200k": corpus} if corpus else {}), "1,000,000 (refused)": "发"}
    for label, unit in cases.items():
        size = 1_000_000 if label.startswith("1,000,000") else MAX_TEXT_CHARS
        text = (unit * (size // len(unit) + 1))[:size]
        field = "lead_zh_hant" if label.startswith("traditional") else "lead_zh_hans"
        # What the form sends while the editor types: the two scripts' panes (a regional pane is
        # rendered only once the editor opens it, one more render each).
        form = {"title_zh_hans": "t", "variants": ["zh-hans", "zh-hant"]}
        client.post(url, {**form, field: text[:1000]})  # warm the converter
        started = time.perf_counter()
        response = client.post(url, {**form, field: text})
        elapsed = time.perf_counter() - started
        worst = max(worst, elapsed)
        print(f"{label:20}{response.status_code:>8}{elapsed:>10.2f}{len(response.content):>12,}", flush=True)
    print(f"slowest preview: {worst:.2f} s (target well under 1 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
