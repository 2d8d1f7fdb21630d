"""A live site's index: articles that arrive while it serves.

- ``crawl``: sitemaps, feeds and pages fetched politely and indexed as a collection.
- ``journal``: the write API's durable task journal (SQLite).
- ``applier``: the background thread that applies journaled tasks in batches.
- ``posted``: an article posted as JSON checked and turned into an ``Article``.

Writes through ``index`` (builds and generations) and reads pages through ``extract``;
never imports ``search`` or ``cli``.
"""
