"""A query → a page of plain hits, read through one store interface (``store.Store``).

parse (``parse``) → interpret (``interpret``: accents, Telex) → retrieve and score
(``scoring``) → re-rank (``proximity``) → filter, facet (``facets``) and group near-copies →
page and highlight (``results``, ``highlight``); ``engine.Engine`` runs the steps. Beside
them: did-you-mean (``spelling``), completions (``autocomplete``), related articles
(``related``).

May import ``text`` and ``index``; never ``live``, ``analytics`` or ``cli``.
"""

from .engine import MAX_PAGE, MAX_PER_PAGE, Engine

__all__ = ["MAX_PAGE", "MAX_PER_PAGE", "Engine"]
