"""Time the Atom feed with 30 heavy published articles (issue 26).

Before: every request rendered the 30 full leads (2.5 s on heavy articles in the issue; 11–15 s
here with 60,000-character leads on a loaded machine), uncached. Now the feed is cached like an
article page and an entry renders only the lead's opening. Prints the first request (a miss) and
the next ones (hits). Run: ``DEBUG=1 .venv/bin/python bench/feed_bench.py``.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from preview_bench import throwaway_site  # noqa: E402  (sets up Django on a temporary database)

from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import Article  # noqa: E402

LEAD = "第一段。" + "[[苏联]]与[^a]、-{干}-，**粗体**条约的文字。" * 2000  # ~60,000 characters, one paragraph


def main() -> int:
    throwaway_site()
    for i in range(30):
        Article.objects.create(title_zh_hans=f"条目{i}", lead_zh_hans=LEAD, status="published",
                               published_at=timezone.now())
    client = Client()
    for _ in range(3):
        started = time.perf_counter()
        response = client.get("/zh-hans/feed/")
        print(f"{response.status_code} {response.get('X-Cache', '-'):5} {time.perf_counter() - started:6.2f} s "
              f"{len(response.content):,} bytes", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
