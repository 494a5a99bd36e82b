"""Staff passwords: the policy of 001:29.3 and argon2id hashes (argon2-cffi's defaults)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8
MAX_LENGTH = 256  # argon2 takes any length; a bound keeps one sign-in from costing seconds
_HASHER = PasswordHasher()  # argon2id, RFC 9106's low-memory profile
# A real hash to check against when the username is unknown, so timing does not tell.
_DUMMY = _HASHER.hash("Unknown-user-0")


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
    return None


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; an unknown user (None) costs the same time and fails."""
    try:
        return _HASHER.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
