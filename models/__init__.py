"""Persistence: SQLModel tables, database engine and sessions, Redis connection and key names."""
