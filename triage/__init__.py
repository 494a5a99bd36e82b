"""Triage for the national careers contact centre: the routing rules as one pure decision."""

from .decision import Decision
from .facts import FACT_FIELDS, Facts, FactsError
from .rules import decide

__all__ = ["FACT_FIELDS", "Decision", "Facts", "FactsError", "decide"]
