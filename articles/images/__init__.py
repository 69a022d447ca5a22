"""The image library: images that content places with ``[[File:名称.jpg|说明]]``.

Modules: ``markup`` (what a figure link is — pure text), ``models`` (:class:`Image` and its usage),
``processing`` (decoding, checks and renditions with Pillow), ``usage`` (every saved article's
figures have image records), ``figures`` (the ``<figure>`` HTML), ``views`` (public image page, media
serving in development), ``admin`` and ``fetching`` (``fetch_media``).

Imports are one-way: this package imports ``articles.models``/``articles.conversion``; nothing in
``articles.models`` imports it except the last line of ``articles/models.py``, which re-exports
:mod:`articles.images.models` so Django registers the models with the ``articles`` app (the app's
migrations hold them). That import runs after every name in ``articles.models`` exists.
"""
