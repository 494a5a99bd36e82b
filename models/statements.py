"""INSERT … ON CONFLICT DO NOTHING, one way for PostgreSQL and SQLite alike."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session


def insert_ignoring(session: Session, model: type, rows: Any, keys: list[str]):
    """INSERT … ON CONFLICT DO NOTHING in the session's dialect (PostgreSQL or SQLite)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(model.__table__).values(rows).on_conflict_do_nothing(index_elements=keys)


@lru_cache(maxsize=64)
def insert_ignoring_sql(table: sa.Table, columns: tuple[str, ...], conflict: tuple[str, ...],
                        rows: int = 1) -> sa.TextClause:
    """INSERT of `rows` rows of `columns`, skipping duplicates of `conflict`, RETURNING id.

    Parameters are named `<column>_<row>` (see `row_params`) and typed as the table's columns.
    Why text, built once per shape: SQLAlchemy recompiles its dialect INSERT … ON CONFLICT on
    every execution, which costs more than the database's own work on the hot write paths.
    """
    values = ", ".join("(" + ", ".join(f":{c}_{i}" for c in columns) + ")" for i in range(rows))
    binds = [sa.bindparam(f"{c}_{i}", type_=table.c[c].type) for i in range(rows) for c in columns]
    # Table and column names come from the SQLModel metadata; every value is a bound parameter.
    insert = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES {values} "  # nosec B608
    return sa.text(
        insert + f"ON CONFLICT ({', '.join(conflict)}) DO NOTHING RETURNING id"
    ).bindparams(*binds)


def row_params(columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The parameters of `insert_ignoring_sql` for these rows."""
    return {f"{c}_{i}": row[c] for i, row in enumerate(rows) for c in columns}
