"""One settings object, read from the environment and `.env`, validated at start-up."""

from __future__ import annotations

import ipaddress
from datetime import datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from config.clock import parse_start
from config.roles import ROLES
from config.sealing_keys import (
    DEVELOPMENT_SEALING_KEY,
    SEALING_KEY_BYTES,
    decode_key,
    split_keys,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = REPO_ROOT / "var"
# Used only in development so the call simulator can sign requests without an account; these
# published defaults are refused in production and off loopback (Settings.development_secrets).
DEVELOPMENT_TWILIO_TOKEN = "development-only-twilio-token"  # nosec B105
DEVELOPMENT_SECRET_KEY = "development-only-secret-key"  # nosec B105
# The adviser page's development default (config/chat.yaml development_secret).
# An account SID of the right shape for the emulator; a real account's comes from the environment.
DEVELOPMENT_TWILIO_ACCOUNT_SID = "AC" + "0" * 31 + "1"
# A mobile number from Ofcom's range for drama (07700 900000-900999): never a real customer's.
DEVELOPMENT_SMS_FROM = "+447700900999"
# An API key of the right shape for the browser phone's access tokens outside production, on
# loopback only (a real key comes from the environment; Settings.development_secrets).
DEVELOPMENT_TWILIO_API_KEY_SID = "SK" + "0" * 31 + "1"
DEVELOPMENT_TWILIO_API_KEY_SECRET = "development-only-twilio-api-key-secret"  # nosec B105


class SettingsError(RuntimeError):
    """The settings are unusable; the message says what to change."""


class Settings(BaseSettings):
    """Everything the app, worker and scripts read from the environment (see .env.example)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    app_env: Literal["development", "test", "production"] = "development"
    port: int = 8000
    database_url: str = ""
    redis_url: str = ""
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_enabled: bool = True
    rasa_timeout_seconds: float = 2.5
    # The token Rasa's HTTP API (--enable-api) is started with (--auth-token) and the app sends
    # as ?token=: without it anything that reaches the assistant can read or rewrite any
    # conversation or replace the model. Required in production while the assistant is enabled;
    # `make run` makes a fresh one for each run when it is unset.
    rasa_auth_token: str = ""
    # Twilio waits 15 s in all for an answer; a phone webhook is answered within this many
    # seconds of reaching the front (X-Request-Start): one that has waited in a queue too long
    # for the assistant goes on by keypad at once rather than risk silence.
    voice_answer_within_seconds: float = 10.0
    # Where the assistant keeps its conversation trackers (erasure and retention delete them too).
    rasa_tracker_redis_url: str = ""
    rasa_tracker_redis_db: int = 1
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    # Where the Twilio REST client sends requests: Twilio itself, or the project's emulator.
    twilio_api_base_url: str = "https://api.twilio.com"
    twilio_api_timeout_seconds: float = 5.0
    # Who text messages come from (docs/messaging.md): a Messaging Service (MG…, preferred: it
    # holds the senders and the opt-out settings) or one number able to receive replies, so a
    # customer can answer STOP. Outside production a development number stands in.
    twilio_messaging_service_sid: str = ""
    twilio_sms_from: str = ""
    # The browser phone (console/phone.py): an API key (SK…) and its secret sign the advisers'
    # access tokens (Twilio refuses tokens signed with the auth token); a TwiML App (AP…) lets
    # the phone place calls (optional). Unset in production: the desk says the phone is off.
    twilio_api_key_sid: str = ""
    twilio_api_key_secret: str = ""
    twilio_twiml_app_sid: str = ""
    # The desk's phone: "sdk" (Twilio's Voice JavaScript SDK) or "development" (plays the
    # emulator's client: device, for make run and tests; refused in production). Unset: sdk in
    # production, development elsewhere (set sdk to try a real Twilio account from here).
    phone_adapter: Literal["", "sdk", "development"] = ""
    # Where the Voice SDK's twilio.min.js is (scripts/voice_sdk.sh puts it in the cache, keyed by
    # vendor/voice-sdk/package-lock.json); that cache folder when unset.
    phone_sdk_dir: str = ""
    voice_enabled: bool = True
    # Ask a customer going to an adviser for the details their record is matched on (000:L61).
    identity_checks: bool = True
    # Offer the satisfaction survey to the share of customers config/satisfaction.yaml names;
    # false asks nobody (the test suite's apps, subprocesses included, so no scripted call hears
    # the survey by the chance of its random id).
    satisfaction_surveys: bool = True
    public_base_url: str = ""
    secret_key: str = ""
    # Keys that seal live state between turns (models.sealed), apart from SECRET_KEY: one or more
    # base64 keys of 32 bytes, comma-separated. The first seals; all of them open (rotation: put
    # a new key first, drop the old one once what it sealed has expired). Required in production.
    sealing_keys: str = ""
    trusted_proxies: int = 0
    max_request_bytes: int = 64 * 1024
    web_workers: int = 2
    web_threads: int = 32
    # The phone's own gunicorn pool under `make run`, so chat load never takes a webhook's thread.
    voice_workers: int = 2
    # Threads mostly wait on the assistant: more than ASSISTANT_MAX_INFLIGHT, so a webhook that
    # does not need it (a new call, a key, a status) always finds a thread free.
    voice_threads: int = 32
    # CPU niceness of the web pool under `make run` (0-19): chat work yields to the phone.
    web_nice: int = 10
    # Set by `make run` for the events front (python -m live): where the two pools listen.
    front_web_url: str = ""
    front_voice_url: str = ""
    # Requests the front lets into the web pool at once (0: its threads); beyond, 503 at once.
    web_max_inflight: int = 0
    # Requests that may wait for one of those (for at most web_wait_seconds); beyond, 503 at once.
    web_max_waiting: int = 512
    web_wait_seconds: float = 3.0
    # Open event streams one front process serves; beyond, 503 with Retry-After.
    live_max_streams: int = 5000
    # Open event streams one chat or desk (its Redis stream), and one address (an IPv4 address or
    # an IPv6 /64), may hold in one front; beyond them 429, so no one client fills the front.
    live_max_streams_per_key: int = 8
    live_max_streams_per_address: int = 300
    live_stream_seconds: float = 300.0
    live_keepalive_seconds: float = 15.0
    # Modules that register renderers for the front (comma-separated).
    live_renderers: str = "ivr.chat.live"
    # Webchats active within chat_open_idle_seconds; a new chat beyond chat_max_open gets 503.
    chat_max_open: int = 4000
    chat_open_idle_seconds: int = 900
    # The worker checks queued calls, advisers' calls and waiting chats against what is really
    # there this often (engine.reconcile): a caller gone unseen stops ringing advisers.
    reconcile_interval_seconds: float = 60.0
    # A waiting chat whose customer has not opened its stream or written for this long is taken
    # out of the queue. Longer than a stream lasts (LIVE_STREAM_SECONDS behind the events front),
    # since a browser that is still there reconnects only when its stream ends.
    chat_customer_gone_seconds: int = 900
    # Assistant turns one app process has in flight at once; beyond, keypad or buttons at once.
    assistant_max_inflight: int = 24
    # What a refusal's Retry-After says.
    retry_after_seconds: int = 30
    log_level: str = "INFO"
    # text for a terminal; json (one object a line, with the request id) for a log collector.
    log_format: Literal["text", "json"] = "text"
    retention_days: int = 90
    # The logs the retention purge trims (make run's and the emulator's logs): var/log when unset.
    log_dir: str = ""
    # The address gunicorn listens on (config/gunicorn.conf.py). Development secrets are allowed
    # only on a loopback address outside production.
    bind_host: str = "127.0.0.1"
    # The national email: the mailbox enquiries are read from, and where replies are sent.
    mail_imap_url: str = ""
    mail_smtp_url: str = ""
    mail_poll_seconds: float = 15.0
    # A message larger than this (bytes, as the IMAP server counts it) is set aside unread.
    mail_max_message_bytes: int = 10 * 1024 * 1024
    # Words of one message kept and screened; the rest is cut (spaCy refuses 1,000,000).
    mail_max_text_chars: int = 100_000
    # The mailbox folder messages the channel will not or could not read are moved to.
    mail_set_aside_folder: str = "Set-aside"
    # A CA certificate file trusted for the mail servers' TLS (a private CA); the system's if unset.
    mail_ca_file: str = ""
    # Staff console: a session with no request from its user for this long is signed out.
    console_idle_minutes: int = 15
    # ...and any session ends this many hours after its sign-in, however active (ASVS V3.3.4).
    console_session_hours: int = 12
    # Sign-ins judged (each an argon2 hash of 64 MiB) at once per app process; beyond, 429 at
    # once, so a flood of sign-ins cannot queue hashes past the pod's memory.
    console_signin_hashes_inflight: int = 2
    # Sign-in attempts not (yet) successful per client address (IPv6: per /64) per minute, and
    # from all addresses together per minute across every process; beyond either, 429.
    console_signin_per_address_per_minute: int = 20
    console_signin_per_minute: int = 300
    # Staff roles that must give a TOTP code after their password (comma-separated roles from
    # config/roles.py); empty: no second factor for anyone (the test suite's default).
    console_mfa_roles: str = "supervisor,admin"
    # Bearer token for GET /metrics; required in production (without it /metrics answers 403),
    # optional elsewhere (development and test leave it open).
    metrics_token: str = ""
    # The development clock (config/clock.py): the time when the process starts; never in
    # production.
    clock_start: datetime | None = None

    @field_validator("port")
    @classmethod
    def _port_in_range(cls, value: int) -> int:
        if not 1 <= value <= 65535:
            raise ValueError("PORT must be between 1 and 65535")
        return value

    @field_validator("console_idle_minutes", "console_session_hours",
                     "console_signin_hashes_inflight", "console_signin_per_address_per_minute",
                     "console_signin_per_minute")
    @classmethod
    def _at_least_one(cls, value: int) -> int:
        if value < 1:
            raise ValueError("must be at least 1")
        return value

    @field_validator("trusted_proxies", "retention_days", "web_workers", "web_threads",
                     "voice_workers", "voice_threads", "web_max_inflight", "live_max_streams",
                     "live_max_streams_per_key", "live_max_streams_per_address",
                     "chat_max_open", "assistant_max_inflight", "retry_after_seconds")
    @classmethod
    def _not_negative(cls, value: int) -> int:
        if value < 0:
            raise ValueError("must not be negative")
        return value

    @field_validator("reconcile_interval_seconds")
    @classmethod
    def _reconcile_often_enough(cls, value: float) -> float:
        if not 1 <= value <= 3600:
            raise ValueError("RECONCILE_INTERVAL_SECONDS must be between 1 and 3600")
        return value

    @model_validator(mode="after")
    def _chat_gone_after_a_stream(self) -> Settings:
        if self.chat_customer_gone_seconds <= self.live_stream_seconds:
            raise ValueError("CHAT_CUSTOMER_GONE_SECONDS must be longer than LIVE_STREAM_SECONDS "
                             "(a customer still there reconnects only when a stream ends)")
        return self

    @field_validator("clock_start", mode="before")
    @classmethod
    def _clock_with_offset(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if isinstance(value, str):
            return parse_start(value)
        return value

    @field_validator("max_request_bytes")
    @classmethod
    def _sane_limit(cls, value: int) -> int:
        if value < 1024:
            raise ValueError("MAX_REQUEST_BYTES must be at least 1024")
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("DATABASE_URL must start with sqlite:// or postgresql://")
        # psycopg 3 is the installed driver; accept the common spelling without a driver.
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value

    @field_validator("redis_url", "rasa_tracker_redis_url")
    @classmethod
    def _known_redis(cls, value: str) -> str:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("REDIS_URL must start with redis://, rediss:// or unix://")
        return value

    @field_validator("sealing_keys")
    @classmethod
    def _sealing_keys_decode(cls, value: str) -> str:
        for key in split_keys(value):
            if len(decode_key(key)) != SEALING_KEY_BYTES:
                raise ValueError(f"SEALING_KEYS must be base64 keys of {SEALING_KEY_BYTES} bytes "
                                 "each, comma-separated (e.g. from `openssl rand -base64 32`)")
        return value

    @field_validator("console_mfa_roles")
    @classmethod
    def _known_roles(cls, value: str) -> str:
        unknown = [r for r in _split_roles(value) if r not in ROLES]
        if unknown:
            raise ValueError(f"CONSOLE_MFA_ROLES names an unknown role {unknown[0]!r} (expected "
                             f"some of {', '.join(ROLES)}, comma-separated)")
        return value

    @field_validator("mail_max_message_bytes")
    @classmethod
    def _mail_size(cls, value: int) -> int:
        if not 64 * 1024 <= value <= 100 * 1024 * 1024:
            raise ValueError("MAIL_MAX_MESSAGE_BYTES must be between 64 KiB and 100 MiB")
        return value

    @field_validator("mail_max_text_chars")
    @classmethod
    def _mail_words(cls, value: int) -> int:
        if not 1000 <= value <= 500_000:
            raise ValueError("MAIL_MAX_TEXT_CHARS must be between 1,000 and 500,000")
        return value

    @model_validator(mode="after")
    def _mail_over_tls(self) -> Settings:
        # The mailbox password and customers' words cross the network only inside TLS.
        for name, url, secure in (("MAIL_IMAP_URL", self.mail_imap_url, ("imaps",)),
                                  ("MAIL_SMTP_URL", self.mail_smtp_url,
                                   ("smtps", "smtp+starttls"))):
            if not url:
                continue
            parts = urlsplit(url)
            if parts.scheme not in secure and (self.app_env == "production"
                                               or not _loopback(parts.hostname or "")):
                raise ValueError(f"{name} must use {' or '.join(s + '://' for s in secure)}"
                                 f"{' in production' if self.app_env == 'production' else ''}"
                                 ": plain connections are only for the development mail server "
                                 "on this machine")
            if self.app_env == "production" and not (parts.username and parts.password):
                raise ValueError(f"{name} must carry the account's user and password in "
                                 "production")
        return self

    @model_validator(mode="after")
    def _secrets_outside_development(self) -> Settings:
        production = self.app_env == "production"
        if production and not self.secret_key:
            raise ValueError("SECRET_KEY must be set when APP_ENV=production")
        if production and self.voice_enabled and not self.twilio_auth_token:
            raise ValueError(
                "TWILIO_AUTH_TOKEN must be set when the voice channel is enabled "
                "(set it, or VOICE_ENABLED=false)"
            )
        if production and self.clock_start is not None:
            raise ValueError("CLOCK_START is for development and tests; unset it in production")
        if production and self.rasa_enabled and not self.rasa_auth_token:
            raise ValueError("RASA_AUTH_TOKEN must be set when the assistant is enabled "
                             "(set it, or RASA_ENABLED=false)")
        if production and not self.database_url:
            raise ValueError("DATABASE_URL must be set when APP_ENV=production")
        if production and not split_keys(self.sealing_keys):
            raise ValueError("SEALING_KEYS must be set when APP_ENV=production")
        if self.secret_key and self.secret_key in split_keys(self.sealing_keys):
            # One key for two jobs: a leak of either would open both (cookies and live state).
            raise ValueError("SEALING_KEYS must not include SECRET_KEY")
        # ASVS level 2 (V3.3.2): sign in again after 30 minutes idle or 12 hours in all.
        if production and (self.console_idle_minutes > 30 or self.console_session_hours > 12):
            raise ValueError("CONSOLE_IDLE_MINUTES may be at most 30 and CONSOLE_SESSION_HOURS at "
                             "most 12 when APP_ENV=production")
        self._phone_settings(production)
        development = self.development_secrets()
        if development and (production or not _loopback(self.bind_host)):
            raise ValueError(
                f"{', '.join(development)} must be set to secrets of your own: the development "
                f"defaults are refused {'in production' if production else 'off loopback'} "
                f"(BIND_HOST={self.bind_host})"
            )
        if production and not self.redis_url:
            # Without it each process would start a Redis of its own: lock-outs, limits and
            # sessions would count per process, and a chat would live in one process only.
            raise ValueError("REDIS_URL must be set when APP_ENV=production")
        if production and self.voice_enabled and not self.public_base_url:
            # Twilio signs the URL it called; it is taken from here, never from headers a
            # client could send (ivr/voice/signature.py).
            raise ValueError("PUBLIC_BASE_URL must be set when the voice channel is enabled")
        return self

    def _phone_settings(self, production: bool) -> None:
        if production and self.phone_adapter == "development":
            raise ValueError("PHONE_ADAPTER=development plays the Twilio emulator's phone; use "
                             "sdk in production")
        if bool(self.twilio_api_key_sid) != bool(self.twilio_api_key_secret):
            raise ValueError("TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET are set together")
        if self.twilio_api_key_sid and not self.twilio_api_key_sid.startswith("SK"):
            raise ValueError("TWILIO_API_KEY_SID must be an API key's SID (SK…)")
        if self.twilio_twiml_app_sid and not self.twilio_twiml_app_sid.startswith("AP"):
            raise ValueError("TWILIO_TWIML_APP_SID must be a TwiML App's SID (AP…)")

    def development_secrets(self) -> list[str]:
        """Names of the secrets that fall back to (or equal) the published development ones."""
        found = []
        if self.secret_key in ("", DEVELOPMENT_SECRET_KEY):
            found.append("SECRET_KEY")
        if self.voice_enabled and self.twilio_auth_token in ("", DEVELOPMENT_TWILIO_TOKEN):
            found.append("TWILIO_AUTH_TOKEN")
        if self.twilio_api_key_secret == DEVELOPMENT_TWILIO_API_KEY_SECRET:
            found.append("TWILIO_API_KEY_SECRET")
        keys = split_keys(self.sealing_keys)
        if not keys or any(decode_key(k) == decode_key(DEVELOPMENT_SEALING_KEY) for k in keys):
            found.append("SEALING_KEYS")
        return found

    @property
    def console_mfa_role_set(self) -> frozenset[str]:
        """The roles CONSOLE_MFA_ROLES names: they sign in with a TOTP code too."""
        return frozenset(_split_roles(self.console_mfa_roles))

    @property
    def on_loopback(self) -> bool:
        """Whether BIND_HOST is an address only this machine can reach."""
        return _loopback(self.bind_host)

    @property
    def effective_database_url(self) -> str:
        """The database to use: DATABASE_URL, or a SQLite file under var/."""
        return self.database_url or f"sqlite:///{VAR_DIR / 'careers.sqlite3'}"

    @property
    def effective_log_dir(self) -> Path:
        """Where the processes' logs are written: LOG_DIR, else var/log."""
        return Path(self.log_dir) if self.log_dir else VAR_DIR / "log"

    @property
    def effective_rasa_tracker_redis_url(self) -> str:
        """The assistant's Redis: RASA_TRACKER_REDIS_URL, else REDIS_URL's server on its own db."""
        if self.rasa_tracker_redis_url or not self.redis_url:
            return self.rasa_tracker_redis_url
        parts = urlsplit(self.redis_url)
        return urlunsplit(parts._replace(path=f"/{self.rasa_tracker_redis_db}"))

    @property
    def effective_public_base_url(self) -> str:
        """The public URL Twilio calls (used to check signatures)."""
        return (self.public_base_url or f"http://127.0.0.1:{self.port}").rstrip("/")

    @property
    def effective_twilio_auth_token(self) -> str:
        """The token that signs webhooks; a fixed development token outside production."""
        return self.twilio_auth_token or DEVELOPMENT_TWILIO_TOKEN

    @property
    def effective_twilio_account_sid(self) -> str:
        """The account the REST client acts for; a fixed development SID outside production."""
        return self.twilio_account_sid or DEVELOPMENT_TWILIO_ACCOUNT_SID

    @property
    def effective_twilio_api_key(self) -> tuple[str, str] | None:
        """The API key (SID, secret) that signs phone tokens; development's on loopback; or None."""
        if self.twilio_api_key_sid:
            return self.twilio_api_key_sid, self.twilio_api_key_secret
        if self.app_env != "production" and self.on_loopback:
            return DEVELOPMENT_TWILIO_API_KEY_SID, DEVELOPMENT_TWILIO_API_KEY_SECRET
        return None

    @property
    def effective_phone_adapter(self) -> str:
        """The desk's phone: PHONE_ADAPTER, else sdk in production and development elsewhere."""
        return self.phone_adapter or ("sdk" if self.app_env == "production" else "development")

    @property
    def effective_sms_from(self) -> str:
        """The number texts come from when no Messaging Service is set; "" when none may be used."""
        if self.twilio_sms_from or self.app_env == "production":
            return self.twilio_sms_from
        return DEVELOPMENT_SMS_FROM

    @property
    def effective_web_max_inflight(self) -> int:
        """How many requests the front lets into the web pool at once."""
        return self.web_max_inflight or max(1, self.web_workers * self.web_threads)

    @property
    def effective_secret_key(self) -> str:
        """The key for signed cookies; a fixed development key outside production."""
        return self.secret_key or DEVELOPMENT_SECRET_KEY

    @property
    def effective_sealing_keys(self) -> tuple[bytes, ...]:
        """The keys that seal live state, sealing key first; a fixed development key otherwise."""
        keys = split_keys(self.sealing_keys) or [DEVELOPMENT_SEALING_KEY]
        return tuple(decode_key(k) for k in keys)


def _split_roles(value: str) -> list[str]:
    return [r.strip() for r in value.split(",") if r.strip()]


def _loopback(host: str) -> bool:
    """True for an address only this machine can reach."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


class FrontSettings(Settings):
    """The events front's settings: it forwards and streams, and holds no secret of the app's.

    The internet-facing process is given only what it uses (REDIS_URL), so production asks it
    for no SECRET_KEY, DATABASE_URL, Twilio or assistant token (deploy/k8s/base/front.yaml).
    """

    @model_validator(mode="after")
    def _secrets_outside_development(self) -> FrontSettings:
        production = self.app_env == "production"
        if production and self.clock_start is not None:
            raise ValueError("CLOCK_START is for development and tests; unset it in production")
        if production and not self.redis_url:
            raise ValueError("REDIS_URL must be set when APP_ENV=production")
        return self


def load_settings(kind: type[Settings] = Settings, **overrides: object) -> Settings:
    """Read settings from the environment, turning validation errors into one readable message."""
    try:
        return kind(**overrides)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']).upper() or 'settings'}: {e['msg']}"
            for e in error.errors()
        )
        raise SettingsError(f"invalid settings: {problems}") from None
