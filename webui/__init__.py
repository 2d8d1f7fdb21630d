"""timkiem's web UI: the search page, the article view and the JSON API (Flask)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from . import settings


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app. ``test_config`` overrides every other source of settings."""
    app = Flask(__name__)
    app.config.from_mapping(settings.load_settings(test_config))
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    from . import (
        admin,
        analytics,
        api,
        engine,
        errors,
        health,
        hosts,
        limits,
        metrics,
        opensearch,
        ratelimit,
        schedule,
        security,
        views,
        widget,
        write_api,
    )

    limits.init_app(app)  # first: a request over a limit costs nothing more
    hosts.init_app(app)
    security.init_app(app)
    metrics.init_app(app)  # before the rate limits: a refused request is counted too
    engine.init_app(app)
    errors.init_app(app)
    analytics.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(opensearch.bp)
    app.register_blueprint(health.bp)
    widget.init_app(app)
    write_api.init_app(app)
    schedule.init_app(app)
    ratelimit.init_app(
        app,
        admin=(admin.bp, admin.right_token),
        write=(write_api.bp, write_api.right_token),
    )
    return app
