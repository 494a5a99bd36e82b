"""The Flask application: voice and chat channels, the Rasa client, health endpoints."""

from ivr.app import create_app

__all__ = ["create_app"]
