"""Staff passwords: the policy of 001:29.3, no breached password, argon2id hashes.

Besides the rule of 001:29.3, a password commonly found in leaked password sets is refused
(config/breached_passwords.txt, shipped with the code: no network at run time), in any case and
also once digits and punctuation are taken off its ends, so "Password123!" is refused as
"password". Every path that sets a password calls `password_problem`: `users add`,
`users set-password`, the administrators' page and a user's own change of password.
"""

from __future__ import annotations

import string
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from config.files import config_file

MIN_LENGTH = 8
MAX_LENGTH = 256  # argon2 takes any length; a bound keeps one sign-in from costing seconds
_HASHER = PasswordHasher()  # argon2id, RFC 9106's low-memory profile
# A real hash to check against when the username is unknown, so timing does not tell.
_DUMMY = _HASHER.hash("Unknown-user-0")
BREACHED_FILE = config_file("breached_passwords.txt")
# Taken off both ends before looking a password up: years, "123", "!" and the like.
_ENDS = string.digits + string.punctuation + string.whitespace
BREACHED = "the password is a commonly used one found in leaked password lists; choose another"


def password_problem(password: str) -> str | None:
    """Why `password` breaks 001:29.3 (8+ characters, upper and lower case, a digit), or None."""
    if len(password) < MIN_LENGTH:
        return f"the password must be at least {MIN_LENGTH} characters (001:29.3)"
    if len(password) > MAX_LENGTH:
        return f"the password must be at most {MAX_LENGTH} characters"
    if not any(c.isupper() for c in password) or not any(c.islower() for c in password):
        return "the password must have both upper and lower case letters (001:29.3)"
    if not any(c.isdigit() for c in password):
        return "the password must have at least one digit (001:29.3)"
    if is_breached(password):
        return BREACHED
    return None


def is_breached(password: str) -> bool:
    """True when `password`, in lower case, or without digits and punctuation at its ends, is
    in the shipped list of commonly breached passwords."""
    lower = password.lower()
    listed = breached_passwords()
    return any(form in listed for form in (lower, lower.rstrip(_ENDS), lower.strip(_ENDS)))


@lru_cache(maxsize=1)
def breached_passwords(path: str = str(BREACHED_FILE)) -> frozenset[str]:
    """The list, read once per process (lower case; blank lines and # comments skipped)."""
    with open(path, encoding="utf-8") as lines:
        return frozenset(word for line in lines
                         if (word := line.strip().lower()) and not word.startswith("#"))


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; an unknown user (None) costs the same time and fails."""
    try:
        return _HASHER.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
