"""The serving path: whole article pages for anonymous readers, cached per page and script.

* ``cache.py`` — the shared cache as an accelerator, never a dependency: Redis errors are logged
  once per outage and treated as misses, so a Redis outage serves uncached pages, never errors.
* ``pages.py`` — the page store: one key per page path, with the headers of the uncached answer
  and its validators; a write guard so a page read before a commit never outlives its invalidation.
* ``invalidation.py`` — which cached pages an edit shows up on (the article in both scripts and its
  old slugs, the articles that link to any of its titles), deleted after the transaction commits.
* ``middleware.py`` — answers a cached anonymous GET before sessions, logins and messages run.
* ``near_cache.py`` — each worker's own copy of the pages it served, kept exact by Redis'
  invalidation messages (a hit asks Redis nothing).
* ``models.py`` + ``renderings.py`` — stored renderings: a reader's article body per script in the
  database, compare-and-set on a generation every edit bumps, so a page-cache miss is one query.

Imports point one way: ``invalidation`` imports ``pages`` and ``renderings``, which import the
models and ``article_body``; the models import nothing from here.
"""
