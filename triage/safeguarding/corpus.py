"""The safeguarding corpus the model learns from (data/*.jsonl), and the hash of its export.

Each line is one phrasing a customer might type or a speech recogniser might hear, labelled:
{"text", "concern", "kind", "topic", "explicit", "about", "style", "age"} (see data/README.md).
Standard library only, so the tests and the trainer read the corpus the same way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).parent
DATA = HERE / "data"
ROOT = HERE.parents[1]
TRAINER = ROOT / "scripts" / "safeguarding_train.py"
FIELDS = frozenset({"text", "concern", "kind", "topic", "explicit", "about", "style", "age"})


def files() -> list[Path]:
    """The corpus files, in a fixed order."""
    return sorted(DATA.glob("*.jsonl"))


def read(paths: Iterable[Path]) -> list[dict]:
    """Every labelled line of `paths`; ValueError names a line that breaks the schema."""
    rows = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            problem = _problem(row)
            if problem:
                raise ValueError(f"{path.name}:{number}: {problem}")
            rows.append(row)
    return rows


def _problem(row: dict) -> str | None:
    if set(row) != FIELDS:
        return f"fields must be {sorted(FIELDS)}"
    if not isinstance(row["text"], str) or not row["text"].strip():
        return "text must be non-empty"
    if row["concern"] is True:
        if row["kind"] not in ("self_harm", "abuse", "danger"):
            return f"unknown kind {row['kind']!r}"
        if not isinstance(row["explicit"], bool) or row["about"] not in ("self", "other"):
            return "a concern needs explicit (bool) and about (self|other)"
    elif row["concern"] is False:
        if row["kind"] is not None or row["about"] is not None:
            return "a look-alike has no kind or about"
    else:
        return "concern must be true or false"
    return None


def built_from() -> list[Path]:
    """Everything the exported weights are built from: a change to any makes them stale."""
    return [*files(), HERE / "features.py", HERE / "normalise.py", HERE / "rules.py",
            HERE / "corpus.py", TRAINER]


def data_hash() -> str:
    """sha256 over the names and bytes of every input of the export."""
    digest = hashlib.sha256()
    for path in built_from():
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()
