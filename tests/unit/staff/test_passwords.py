"""The staff password policy of 001:29.3 and argon2id hashing."""

import pytest

from console.passwords import hash_password, password_problem, verify_password


@pytest.mark.parametrize("password", ["Careers-2026", "aB3aaaaa", "Ünïcode9x"])
def test_good_passwords_pass(password):
    assert password_problem(password) is None


@pytest.mark.parametrize(("password", "why"), [
    ("Ab3defg", "at least 8"),        # 7 characters
    ("abcdefg1", "upper and lower"),  # no upper case
    ("ABCDEFG1", "upper and lower"),  # no lower case
    ("Abcdefgh", "digit"),            # no digit
    ("", "at least 8"),
])
def test_passwords_breaking_the_policy_say_why(password, why):
    assert why in password_problem(password)


def test_hash_is_argon2id_and_verifies_only_the_right_password():
    stored = hash_password("Careers-2026")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "Careers-2026")
    assert not verify_password(stored, "careers-2026")
    assert not verify_password(None, "Careers-2026")  # unknown user
    assert not verify_password("not a hash", "Careers-2026")
