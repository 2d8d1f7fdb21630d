"""The ``timkiem`` command line: thin click commands (``commands``) and what they print
(``output``). The only side that may import every other one; ``webui`` is imported lazily by
``serve``.
"""

from . import serve as _serve  # noqa: F401  (registers the serve command on main)
from . import solr as _solr  # noqa: F401  (registers the solr commands on main)
from .commands import main

__all__ = ["main"]
