"""One loader for the files in config/: a YAML file read into a pydantic model and checked.

Each area describes its file once, as a model (`ConfigModel`) whose fields have no defaults: the
YAML is the only place a value is written, and a missing, misspelt or malformed entry stops the
process with the file's name and the entry's path, before any customer is served.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

CONFIG_DIR = Path(__file__).resolve().parent
M = TypeVar("M", bound=BaseModel)


class ConfigFileError(ValueError):
    """A configuration file is missing, is not YAML, or does not match its model."""


class ConfigModel(BaseModel):
    """A configuration file's model: read-only, and an unknown entry is an error (a typo)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def labels_by_code(value: Any) -> Any:
    """A YAML list of {code, label} as an ordered code -> label mapping (a mapping passes)."""
    if not isinstance(value, list):
        return value
    try:
        return {str(o["code"]): str(o["label"]) for o in value}
    except (KeyError, TypeError):
        raise ValueError("each entry needs a code and a label") from None


def config_file(name: str) -> Path:
    """The path of config/`name`."""
    return CONFIG_DIR / name


def load(model: type[M], path: Path | str, *, section: str | None = None) -> M:
    """`path` (or config/`path`) read into `model`, from its top-level `section` if given."""
    path = Path(path) if Path(path).is_absolute() else config_file(str(path))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ConfigFileError(f"{path.name}: cannot be read ({type(error).__name__})") from None
    if section is not None:
        if not isinstance(data, dict) or section not in data:
            raise ConfigFileError(f"{path.name}: has no '{section}' section")
        data = data[section]
    return _validated(model, data, path.name, section)


def load_markdown(model: type[M], path: Path | str, **context: object) -> tuple[M, str]:
    """A Markdown file's YAML header (between '---' lines) read into `model`, and its body.

    `context` reaches the model's validators (`info.context`), e.g. the file's name.
    """
    path = Path(path) if Path(path).is_absolute() else config_file(str(path))
    try:
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigFileError(f"{path.name}: cannot be read ({type(error).__name__})") from None
    header, separator, body = text.removeprefix("---\n").partition("\n---\n")
    if not text.startswith("---\n") or not separator:
        raise ConfigFileError(f"{path.name}: must start with a YAML header between '---' lines")
    try:
        data = yaml.safe_load(header)
    except yaml.YAMLError as error:
        raise ConfigFileError(f"{path.name}: the header is not YAML ({type(error).__name__})"
                              ) from None
    return _validated(model, data, path.name, None, context), body.strip()


def _validated(model: type[M], data: object, name: str, section: str | None,
               context: dict | None = None) -> M:
    try:
        return model.model_validate(data, context=context)
    except ValidationError as error:
        problems = "; ".join(f"{_where(section, e['loc']) or 'the file'}: "
                             f"{e['msg'].removeprefix('Value error, ')}"
                             for e in error.errors())
        raise ConfigFileError(f"{name}: {problems}") from None


def _where(section: str | None, location: tuple) -> str:
    """An entry's path in the file, e.g. written.queues.safeguarding."""
    return ".".join(str(p) for p in ((section,) if section else ()) + tuple(location))
