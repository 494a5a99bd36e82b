"""CONSOLE_MFA_ROLES: supervisors and admins by default, and only roles that exist."""

from __future__ import annotations

import pytest

from config.roles import ROLES
from config.settings import Settings, SettingsError, load_settings
from models import staff


def test_supervisors_and_admins_need_a_second_factor_by_default():
    default = Settings.model_fields["console_mfa_roles"].default
    assert Settings(console_mfa_roles=default, _env_file=None).console_mfa_role_set == {
        "supervisor", "admin"}


def test_the_roles_are_read_comma_separated_and_may_be_none():
    settings = Settings(console_mfa_roles=" adviser , admin,", _env_file=None)
    assert settings.console_mfa_role_set == {"adviser", "admin"}
    assert Settings(console_mfa_roles="", _env_file=None).console_mfa_role_set == frozenset()


def test_an_unknown_role_is_refused_with_its_name():
    with pytest.raises(SettingsError, match="CONSOLE_MFA_ROLES.*'boss'"):
        load_settings(console_mfa_roles="supervisor,boss", _env_file=None)


def test_the_settings_check_the_same_roles_the_accounts_have():
    assert staff.ROLES is ROLES
