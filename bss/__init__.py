"""The Flask application: app factory, configuration, back office, JSON API, CLI and Celery tasks."""

from bss.app import create_app

__all__ = ["create_app"]
