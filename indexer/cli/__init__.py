"""The ``timkiem`` command line: thin click commands (``commands``) and what they print
(``output``). The only side that may import every other one; ``webui`` is imported lazily by
``serve``.
"""

from .commands import main

__all__ = ["main"]
