"""The app: the factory that wires the channels and the console to the engine, its WSGI entry
point and the worker's. It may import every package of ours; none of them imports it."""

from app.factory import create_app

__all__ = ["create_app"]
