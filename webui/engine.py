"""The one search engine of the app, opened on first use and shared by every request."""

from __future__ import annotations

import threading

from flask import Flask, current_app

from indexer import Engine

_EXTENSION = "timkiem.engine"


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION] = None
    app.extensions[_EXTENSION + ".lock"] = threading.Lock()


def get_engine() -> Engine:
    """The app's Engine. Raises IndexMissingError (with the command to fix it) if there is
    no index yet; a later request tries again, so building the index needs no restart."""
    app = current_app
    engine = app.extensions.get(_EXTENSION)
    if engine is None:
        with app.extensions[_EXTENSION + ".lock"]:
            engine = app.extensions.get(_EXTENSION)
            if engine is None:
                engine = Engine(app.config["INDEX_DIR"])
                app.extensions[_EXTENSION] = engine
    return engine
