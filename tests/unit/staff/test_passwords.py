"""The staff password policy of 001:29.3 and argon2id hashing."""

import pytest

from console.passwords import (
    BREACHED,
    breached_passwords,
    hash_password,
    password_problem,
    verify_password,
)


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


@pytest.mark.parametrize("password", [
    "Password123!", "Password1", "P@ssw0rd1", "Qwerty123", "Letmein2026",
    "Welcome1!", "Liverpool1", "Summer2026", "Iloveyou1", "1Qaz2wsx", "Abc12345", "Dragon99",
    "!!Monkey123", "Trustno1", "Admin-2026"])
def test_breached_passwords_are_refused_in_any_case_and_with_numbers_on_the_end(password):
    assert password_problem(password) == BREACHED


def test_the_shipped_list_is_a_few_thousand_lower_case_passwords():
    listed = breached_passwords()
    assert 3000 < len(listed) < 20000
    assert all(word == word.lower() and word.strip() == word for word in listed)
    assert {"password", "qwerty", "letmein", "p@ssw0rd", "iloveyou"} <= listed


def test_demo_accounts_and_the_suites_passwords_are_not_breached():
    from console.demo import DEMO_ACCOUNTS
    from tests.support.console import PASSWORD

    for password in [a["password"] for a in DEMO_ACCOUNTS] + [
            PASSWORD, "Another-2027", "Own-choice-2027", "Temporary-2026", "Wrong-password-1",
            "A-password-of-our-own-9"]:
        assert password_problem(password) is None, password
