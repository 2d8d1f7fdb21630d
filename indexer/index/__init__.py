"""The local index: what a build writes to ``index_data/`` and how a generation is read back.

- ``build``: a build or an update, end to end (``build_index``), over ``analyse`` (chunks of
  articles inverted in worker processes) and ``write`` (segments, columns and side files).
- ``schema``, ``segment``, ``rare``: Whoosh's fields, the bulk segment writer, one-article bigrams.
- ``generations``: generation folders, the ``CURRENT`` pointer, the atomic swap and the lock.
- ``columns``, ``catalog``, ``vocabulary``, ``phrases``, ``duplicates``: per-document columns,
  the article table, the vocabulary, phrase counts, near-copy signatures and groups.
- ``postings``: an open generation read back (postings arrays, stored fields, caches).
- ``store``: the interface every writer (build, crawl, applier) writes batches through,
  with ``LocalWriter`` over ``build_index``.

May import ``text``, ``extract`` and the shared modules (``article``, ``errors``); never
``search``, ``live`` or ``cli``.
"""
