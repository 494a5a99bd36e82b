"""The identity step, once for every channel: the four details, a match, then the shared secret.

A channel calls `begin` after the routing decision when `wanted` says the route goes to an
adviser, then `answer` with each reply until the prompt has no question: then it carries on
with the route, saying the prompt's words first. The step's state is a small JSON dict the
channel keeps in its live state; the details given so far wait there only sealed
(models.sealed), and are gone once the record is matched or the customer declines. Nothing the
customer says here is logged, recorded as text or sent to the assistant: the channel records
only `Prompt.masked`, a placeholder for the kind of answer.

What the customer hears never says whether a record was found or made, has a memorable number,
or took the number given (ASVS V2/V3: no account enumeration): one question after the four
details and one reply after the number; only the audit (models.identity) and staff know.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from ivr.identity import parse
from ivr.identity.config import IdentityConfig
from models.customers import Identity, has_secret, spend_a_check
from models.db import session_scope
from models.identity import check_secret, identify, locked, set_secret
from models.redaction import DATE, NAME, POSTCODE
from models.sealed import Sealer
from triage import refusals

SECRET = "[secret]"  # nosec B105: the placeholder recorded instead of a memorable number
_MASKS = {"surname": NAME, "first_name": NAME, "date_of_birth": DATE, "postcode": POSTCODE,
          "new_secret": SECRET, "secret": SECRET}
# "new_secret" only in a step begun before new and found records were asked alike.
_DIGIT_QUESTIONS = frozenset({"new_secret", "secret"})
# Questions a caller may answer on the keypad (digits ended by #), speech heard as well.
_KEYED = frozenset({"date_of_birth", *_DIGIT_QUESTIONS})
# Why these sizes: a double-barrelled name with a particle is four words ("Anne de la Mare");
# six or more words at a name question is a sentence, not a name.
_TALK_WORDS, _LONGEST_NAME_WORDS = 4, 6


@dataclass(frozen=True)
class Prompt:
    """What the channel says next; `question` None means the step is over."""

    texts: list[str]
    question: str | None = None
    digits: bool = False  # the phone collects digits ended by # rather than speech
    outcome: str | None = None  # when over: linked, authenticated, declined, without, ...
    detail: dict[str, Any] = field(default_factory=dict)  # for the timeline: no values


def masked(question: str | None) -> str:
    """The placeholder recorded instead of the customer's answer to `question`."""
    return _MASKS.get(question or "", NAME)


class IdentityStep:
    """Asks, reads, matches (001:7.2), sets or checks the shared secret (001:7.3)."""

    def __init__(self, config: IdentityConfig, *, engine: Engine, sealer: Sealer,
                 enabled: bool = True) -> None:
        self.config, self.engine, self._sealer, self.enabled = config, engine, sealer, enabled

    def wanted(self, destination: str | None, state: dict[str, Any] | None = None) -> bool:
        """Whether this route asks: an adviser's destination, not yet asked on this contact."""
        return self.enabled and destination in self.config.destinations and not state

    def begin(self, channel: str) -> tuple[dict[str, Any], Prompt]:
        """The step's new state and its first question (with the why and the way out)."""
        first = self.config.questions[0]
        state = {"ask": first, "tries": 0, "sealed": None}
        words = [self.config.say(channel, "intro"), self.config.say(channel, first)]
        return state, Prompt(words, first)

    def answer(self, state: dict[str, Any], channel: str, *, said: str = "", keyed: str = "",
               contact_key: str, at: datetime) -> Prompt:
        """Read one answer, move `state` on (in place) and say what comes next."""
        question = state.get("ask")
        if said and not keyed and parse.only_closing(said):
            # "Lovely, thank you, bye": the customer is leaving, and a goodbye is no name.
            return self._over(state, channel, "goodbye", "customer_left")
        if question in _DIGIT_QUESTIONS:
            given = "" if self._declines(said, keyed) else parse.digits(keyed, said)
            return self._secret(state, channel, given, contact_key, at)
        if self._declines(said, keyed):
            return self._over(state, channel, "declined", "declined")
        value = self._read(question, said, keyed, at)
        if value is None:
            return self._again(state, channel, question)
        # Sealed for this contact only: state copied from another contact opens to nothing.
        so_far = self._sealer.open(state.get("sealed"), context=contact_key)
        if so_far is None and question != self.config.questions[0]:
            return self._over(state, channel, "without", "without", unusable="sealed")
        given = {**(so_far or {}), question: value}
        questions = self.config.questions
        if question != questions[-1]:
            following = questions[questions.index(question) + 1]
            state.update(ask=following, tries=0,
                         sealed=self._sealer.seal(given, context=contact_key))
            return Prompt([self.config.say(channel, following)], following,
                          digits=following in _KEYED, detail={"given": question})
        return self._match(state, channel, given, contact_key, at)

    def again(self, state: dict[str, Any], channel: str) -> Prompt:
        """The question the step is at, once more (after talk that was not its answer)."""
        question = state.get("ask") or self.config.questions[0]
        return Prompt([self.config.say(channel, question)], question, digits=question in _KEYED)

    def is_talk(self, state: dict[str, Any], said: str, at: datetime) -> bool:
        """True when words typed at a question are plainly not its answer but talk ("sorry, I'm
        17 actually"): four words or more that the question cannot read, or a sentence longer
        than any name. A refusal is an answer. Such words are the customer's, not a detail."""
        words = said.split()
        if len(words) < _TALK_WORDS or self._declines(said, ""):
            return False
        question = state.get("ask")
        if question in _DIGIT_QUESTIONS:
            return not parse.digits("", said).isdigit()
        if question not in ("date_of_birth", "postcode") and len(words) >= _LONGEST_NAME_WORDS:
            return True
        return self._read(str(question), said, "", at) is None

    def _read(self, question: str, said: str, keyed: str, at: datetime) -> str | None:
        if question == "date_of_birth":
            born = parse.date_of_birth(keyed.rstrip("#") or said, at.date(),
                                       min_age=self.config.min_age, max_age=self.config.max_age)
            return born.isoformat() if born else None
        if question == "postcode":
            return parse.postcode(said)
        return parse.name(said)

    def _declines(self, said: str, keyed: str) -> bool:
        words = " ".join(said.lower().split()).strip(" .,!?")
        # The configured words, or a refusal however it is put ("I'd rather not say my name"),
        # the same one the assistant hears at its questions (triage.refusals, 000:L68).
        return words in self.config.decline or refusals.is_refusal(words) \
            or said == "/identity_decline" or keyed == "2" and not said

    def _again(self, state: dict[str, Any], channel: str, question: str) -> Prompt:
        state["tries"] = int(state.get("tries", 0)) + 1
        if state["tries"] >= self.config.tries:
            # Asked twice: go on without it, and without a record (all four are needed).
            return self._over(state, channel, "without", "without", unusable=question)
        again = f"{question}_again" if question in ("date_of_birth", "postcode") else "name_again"
        return Prompt([self.config.say(channel, again)], question,
                      digits=question in _KEYED,
                      detail={"unusable": question})

    def _match(self, state: dict[str, Any], channel: str, given: dict[str, str],
               contact_key: str, at: datetime) -> Prompt:
        identity = Identity.of(**given)
        with session_scope(self.engine) as db:
            match = identify(session=db, contact_key=contact_key, identity=identity, at=at)
        state.pop("sealed", None)
        state.update(ask="secret", tries=0, customer=match.customer_id, returning=match.returning)
        # One question, in the same words, whether the record was made or found, and whether it
        # has a number: anything else would tell whoever knows four details that a record exists.
        return Prompt([self.config.say(channel, "secret")], "secret", digits=True,
                      detail={"asked": "secret"})

    def _secret(self, state: dict[str, Any], channel: str, given: str, contact_key: str,
                at: datetime) -> Prompt:
        customer = int(state["customer"])
        if not given:  # the hash key alone, or No thanks: on without it
            return self._over(state, channel, "no_secret", "linked")
        if not (given.isdigit() and self.config.secret_min <= len(given)
                <= self.config.secret_max):
            return self._secret_again(state, channel)
        with session_scope(self.engine) as db:
            outcome = self._use_secret(db, customer, given, bool(state.get("returning")),
                                       contact_key, at)
        # The same words whatever happened: set, right, wrong, locked or a record without one.
        # A wrong number is not asked again (that would say a record exists); the adviser can
        # check it with the customer (console), within the same lock-out.
        return self._over(state, channel, "secret_given", outcome)

    def _use_secret(self, db: Session, customer: int, given: str, returning: bool,
                    contact_key: str, at: datetime) -> str:
        """Set, check or (for a found record without one) only seem to; the outcome, for staff."""
        if not returning and not has_secret(session=db, customer_id=customer):
            set_secret(session=db, customer_id=customer, secret=given, at=at,
                       contact_key=contact_key)
            return "linked"
        if not has_secret(session=db, customer_id=customer):
            # A found record without a number is never claimed here: whoever knows the four
            # details could take it. The same hashing work as a check, so timing says nothing.
            spend_a_check(given)
            return "matched"
        proof = check_secret(session=db, customer_id=customer, secret=given, at=at,
                             contact_key=contact_key)
        if proof is not None:
            return "authenticated"
        return "locked" if locked(session=db, customer_id=customer, at=at) else "refused"

    def _secret_again(self, state: dict[str, Any], channel: str) -> Prompt:
        state["tries"] = int(state.get("tries", 0)) + 1
        if state["tries"] >= self.config.tries:
            return self._over(state, channel, "no_secret", "linked")
        return Prompt([self.config.say(channel, "secret_again")], "secret", digits=True,
                      detail={"unusable": "secret"})

    def _over(self, state: dict[str, Any], channel: str, words: str, outcome: str,
              **detail: str) -> Prompt:
        state.pop("sealed", None)  # the details given so far are gone, not merely unread
        state.update(ask=None, done=outcome)
        return Prompt([self.config.say(channel, words)], outcome=outcome,
                      detail={"outcome": outcome, **detail})
