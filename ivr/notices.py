"""What every channel tells a customer at first contact: the privacy notice and the access routes.

The words live in config/notices.yaml; the phone, the webchat, the forms and the national mailbox
all read them from here, so a change of wording reaches every channel at once (000:L83; 001:3.1).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from config.files import ConfigModel, config_file, load

NOTICES_FILE = config_file("notices.yaml")


class Privacy(ConfigModel):
    """The privacy notice: its page, its paragraphs, and each channel's short line."""

    title: str
    path: str
    phone_offer: str
    link_text: str
    email_line: str
    paragraphs: tuple[str, ...]

    def spoken(self) -> list[str]:
        """The full notice as it is read on the phone, without the rule citations."""
        return [_uncited(p) for p in self.paragraphs]

    def shown(self) -> list[str]:
        """The full notice as the page shows it, without the rule citations."""
        return self.spoken()


class Access(ConfigModel):
    """The other ways in: Relay UK (textphone) and a British Sign Language video relay."""

    relay_uk_text: str
    relay_uk_url: str
    relay_uk_hint: str
    relay_uk_link_text: str
    bsl_text: str
    bsl_url: str
    bsl_link_text: str


class Notices(ConfigModel):
    """Everything config/notices.yaml says."""

    privacy: Privacy
    access: Access


def load_notices(path: Path = NOTICES_FILE) -> Notices:
    """Read and check config/notices.yaml; a missing or wrong entry names itself."""
    return load(Notices, path)


@lru_cache(maxsize=1)
def notices() -> Notices:
    """The notices, read once per process."""
    return load_notices()


def _uncited(text: str) -> str:
    """`text` without its trailing "(000:L83)"-style citations, which are for auditors."""
    return re.sub(r"\s*\((?:\d{3}:[\w.]+(?:, )?)+\)", "", text).strip()
