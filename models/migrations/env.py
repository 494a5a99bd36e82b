"""Alembic environment: runs migrations online against the configured URL."""

from alembic import context
from sqlmodel import SQLModel

import models.all_tables  # noqa: F401  (registers every table on SQLModel.metadata)
from models.db import make_engine

target_metadata = SQLModel.metadata


def run_migrations() -> None:
    """Run every pending migration in one transaction per revision."""
    engine = make_engine(context.config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            transaction_per_migration=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
