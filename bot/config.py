"""One Settings object, read from the environment and ``.env``; built in ``main()`` and passed down."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

if TYPE_CHECKING:
    from bot.services.appeals.mail import SmtpConfig


class SettingsError(Exception):
    """A setting is wrong or missing; the message is one line that names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # secrets: SecretStr, so a printed or logged Settings shows «**********», never the value
    bot_token: SecretStr | None = None
    telegram_api_url: str | None = None
    database_url: str = "sqlite+aiosqlite:///./data/bot.db"
    redis_url: str | None = None
    timezone: str = "Europe/Moscow"
    staff_chat_id: int | None = None
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    log_level: str = "INFO"
    # webhook mode (several replicas behind a load balancer); long polling when WEBHOOK_URL is empty
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    web_host: str = "0.0.0.0"
    web_port: int = 8080
    # long polling: where /healthz and /metrics are served (on WEB_HOST); unset, polling opens no port. In webhook
    # mode they are on WEB_PORT with the webhook
    metrics_port: int | None = None
    # reminders and the push sender run in the one replica holding the lease (a PostgreSQL advisory lock; on SQLite
    # the one process); false: this replica never leads
    run_scheduler: bool = True
    leader_heartbeat: float = 5.0  # seconds between a standby's tries of the lease and the leader's renewals
    leader_timeout: float = 30.0  # a leader silent this long loses the lease (the server ends its session)
    send_rate: float = 25  # pushes per second, all chats together (Telegram allows about 30)
    # urgent outage pushes (emergencies) as Telegram's paid broadcast: up to 1 000 a second, 0.1 Star each from the
    # bot's balance; ordinary pushes keep SEND_RATE
    paid_broadcast: bool = False
    paid_send_rate: float = 950  # messages per second in all while paid broadcast is on (Telegram allows 1 000)
    quiet_hours: str = "22:00-09:00"  # when ordinary pushes wait («с 23 до 8»); empty or «off»: never
    reading_window_from: int = 20
    reading_window_to: int = 25
    # ---- payments (issue 10): card in Telegram when the token is set; the bank QR always
    payment_provider_token: SecretStr | None = None  # from @BotFather → Payments; never printed, never logged
    card_commission_percent: Decimal = Decimal("0")  # a resident's card commission, unless the organization sets it
    vat_code: int = 1  # НДС code of the fiscal receipt items (ЮKassa: 1 — без НДС), unless the organization sets it
    invoice_min_rub: Decimal = Decimal("87.00")  # Telegram's RUB limits of one invoice (core.telegram.org/bots/
    invoice_max_rub: Decimal = Decimal("870000.00")  # payments#supported-currencies)
    qr_encoding: str = "cp1251"  # ГОСТ Р 56042-2014 QR: cp1251 (ST00011, read by every bank app) or utf-8 (ST00012)
    # ---- appeals (issue 11): e-mail to addressees outside the bot and answers to applicants; off when empty
    smtp_url: SecretStr | None = None  # smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465
    smtp_from: str | None = None  # the sender address; the URL's user when it is an address

    @field_validator("smtp_url", "smtp_from", mode="before")
    @classmethod
    def _empty_smtp(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else (v.strip() if isinstance(v, str) else v)

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None:
            from bot.services.appeals.mail import parse_url

            parse_url(v.get_secret_value(), "check@localhost")  # the scheme, host, port (never the password)
        return v

    @field_validator("smtp_from")
    @classmethod
    def _smtp_config(cls, v: str | None, info: ValidationInfo) -> str | None:
        url = info.data.get("smtp_url")
        if url is not None:
            from bot.services.appeals.mail import parse_url

            parse_url(url.get_secret_value(), v)  # ValueError names what is wrong
        return v

    @property
    def smtp(self) -> SmtpConfig | None:
        """The SMTP connection when SMTP_URL is set (checked when the settings were built)."""
        if self.smtp_url is None:
            return None
        from bot.services.appeals.mail import parse_url

        return parse_url(self.smtp_url.get_secret_value(), self.smtp_from)

    @property
    def email_enabled(self) -> bool:
        """Appeals can be e-mailed (drafts.submit's ``email_configured``)."""
        return self.smtp_url is not None

    @field_validator("payment_provider_token", mode="before")
    @classmethod
    def _empty_token(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else (v.strip() if isinstance(v, str) else v)

    @field_validator("card_commission_percent")
    @classmethod
    def _commission(cls, v: Decimal) -> Decimal:
        if not Decimal(0) <= v <= Decimal(10):
            raise ValueError("комиссия в процентах от 0 до 10, например 1.5")
        return v

    @field_validator("vat_code")
    @classmethod
    def _vat_code(cls, v: int) -> int:
        if not 1 <= v <= 12:
            raise ValueError("код НДС платёжного провайдера от 1 до 12 (1 — без НДС)")
        return v

    @field_validator("invoice_min_rub", "invoice_max_rub")
    @classmethod
    def _invoice_limit(cls, v: Decimal, info: ValidationInfo) -> Decimal:
        if v <= 0:
            raise ValueError("сумма в рублях больше нуля")
        low = info.data.get("invoice_min_rub")
        if info.field_name == "invoice_max_rub" and isinstance(low, Decimal) and v <= low:
            raise ValueError(f"предел счёта меньше минимума (INVOICE_MIN_RUB={low})")
        return v

    @field_validator("qr_encoding")
    @classmethod
    def _qr_encoding(cls, v: str) -> str:
        norm = v.strip().lower().replace("_", "-")
        aliases = {"cp1251": "cp1251", "windows-1251": "cp1251", "1": "cp1251", "utf-8": "utf-8", "utf8": "utf-8",
                   "2": "utf-8"}
        if norm not in aliases:
            raise ValueError("cp1251 (по умолчанию, ST00011) или utf-8 (ST00012)")
        return aliases[norm]
    # «Передать показания»: the most a premises plausibly uses in a month, per registered resident (3 residents
    # when the registry does not say); a reading above it is asked «Всё верно?» before the summary
    reading_ceiling_cold_water: Decimal = Field(default=Decimal(20), gt=0)  # м³
    reading_ceiling_hot_water: Decimal = Field(default=Decimal(15), gt=0)  # м³
    reading_ceiling_electricity: Decimal = Field(default=Decimal(600), gt=0)  # кВт·ч
    reading_ceiling_gas: Decimal = Field(default=Decimal(150), gt=0)  # м³
    reading_ceiling_heat: Decimal = Field(default=Decimal(3), gt=0)  # Гкал

    @field_validator("bot_token", "telegram_api_url", "redis_url", "webhook_url", "webhook_secret",
                     "payment_provider_token", "metrics_port", mode="before")
    @classmethod
    def _empty_is_none(cls, v: object) -> object:
        if isinstance(v, str) and not v.strip():
            return None
        return v.strip() if isinstance(v, str) else v

    @field_validator("staff_chat_id", mode="before")
    @classmethod
    def _empty_chat(cls, v: object) -> object:
        if isinstance(v, str):
            if not v.strip():
                return None
            if not re.fullmatch(r"-?\d+", v.strip()):
                raise ValueError("нужен числовой id группы сотрудников, например -1001234567890")
            return v.strip()
        return v

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, v: SecretStr | None) -> SecretStr | None:
        if v is None:
            return v
        left, sep, right = v.get_secret_value().partition(":")
        if not sep or not left.isdigit() or len(right) < 20:
            raise ValueError("похоже, это не токен бота (ожидается вид 123456:ABC…, выдаёт @BotFather)")
        return v

    @field_validator("telegram_api_url")
    @classmethod
    def _api_url(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if not v.startswith(("http://", "https://")):
            raise ValueError("нужен адрес вида http://host:port")
        return v.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _db_url(cls, v: str) -> str:
        v = v.strip()
        if not v.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("поддерживаются sqlite+aiosqlite:///путь и postgresql+asyncpg://…")
        return v

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("нужен адрес вида redis://host:6379/0")
        return v

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"неизвестный часовой пояс {v!r} (пример: Europe/Moscow)") from None
        return v

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admins(cls, v: object) -> object:
        if isinstance(v, str):
            parts = [p for p in v.replace(";", ",").replace(" ", ",").split(",") if p]
            try:
                return [int(p) for p in parts]
            except ValueError:
                raise ValueError("нужны числовые id пользователей через запятую") from None
        return v

    @field_validator("log_level")
    @classmethod
    def _level(cls, v: str) -> str:
        v = v.upper()
        if v not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("одно из DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return v

    @field_validator("send_rate")
    @classmethod
    def _send_rate(cls, v: float) -> float:
        if not 0 < v <= 30:
            raise ValueError("от 0 до 30 сообщений в секунду (предел Telegram — около 30)")
        return v

    @field_validator("leader_timeout")
    @classmethod
    def _leader_timeout(cls, v: float, info: ValidationInfo) -> float:
        beat = info.data.get("leader_heartbeat")
        if not 2 <= v <= 55:  # a dead leader is replaced within a minute
            raise ValueError("от 2 до 55 секунд (замена упавшего лидера — в пределах минуты)")
        if isinstance(beat, float) and beat * 2 > v:
            raise ValueError(f"хотя бы вдвое больше LEADER_HEARTBEAT={beat:g}")
        if isinstance(beat, float) and v + beat > 60:
            raise ValueError(f"вместе с LEADER_HEARTBEAT={beat:g} не больше 60 секунд (замена лидера — в пределах "
                             f"минуты)")
        return v

    @field_validator("leader_heartbeat")
    @classmethod
    def _leader_heartbeat(cls, v: float) -> float:
        if not 0 < v <= 20:
            raise ValueError("от 0 до 20 секунд")
        return v

    @field_validator("paid_send_rate")
    @classmethod
    def _paid_send_rate(cls, v: float) -> float:
        if not 0 < v <= 1000:
            raise ValueError("от 0 до 1000 сообщений в секунду (предел платной рассылки Telegram — 1000)")
        return v

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, v: str) -> str:
        from bot.services.notify.quiet import QuietError, parse_quiet_hours
        from bot.texts.settings import QUIET_ERRORS

        try:
            parse_quiet_hours(v)  # empty or «off»: no quiet hours
        except QuietError as exc:
            raise ValueError(QUIET_ERRORS[exc.reason.value]) from None
        return v.strip()

    @field_validator("reading_window_from", "reading_window_to")
    @classmethod
    def _window_day(cls, v: int, info: ValidationInfo) -> int:
        if not 1 <= v <= 31:
            raise ValueError("день месяца от 1 до 31")
        start = info.data.get("reading_window_from")
        if info.field_name == "reading_window_to" and isinstance(start, int) and v < start:
            raise ValueError(f"окно приёма показаний кончается раньше, чем начинается (READING_WINDOW_FROM={start})")
        return v

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith("https://"):
            raise ValueError("Telegram принимает только https-адрес, например https://bot.example.ru/telegram")
        return v

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", v.get_secret_value()):
            raise ValueError("1–256 символов: латинские буквы, цифры, _ и -")
        return v

    @field_validator("web_port", "metrics_port")
    @classmethod
    def _port(cls, v: int | None) -> int | None:
        if v is not None and not 1 <= v <= 65535:
            raise ValueError("порт от 1 до 65535")
        return v

    @property
    def webhook_token(self) -> str:
        """The secret Telegram sends with every webhook call: WEBHOOK_SECRET, or one derived from the token so
        that every replica agrees without configuring it."""
        if self.webhook_secret:
            return self.webhook_secret.get_secret_value()
        import hashlib

        token = self.bot_token.get_secret_value() if self.bot_token else ""
        return hashlib.sha256(f"webhook:{token}".encode()).hexdigest()

    @property
    def reading_ceilings(self) -> dict[str, Decimal]:
        """READING_CEILING_<RESOURCE> by resource code."""
        prefix = "reading_ceiling_"
        return {name.removeprefix(prefix): getattr(self, name) for name in type(self).model_fields
                if name.startswith(prefix)}

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_staff_user(self, user_id: int) -> bool:
        return user_id in self.admin_ids


def load_settings(**overrides: object) -> Settings:
    """Build Settings or raise SettingsError with one line naming the bad setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]).upper() if err["loc"] else "?"
        msg = _TYPE_ERRORS.get(err["type"]) or err["msg"].removeprefix("Value error, ")
        if err["type"] in _TYPE_ERRORS:
            msg += f" (получено {err.get('input')!r})"
        raise SettingsError(f"Настройка {name}: {msg}") from None


# pydantic's own messages for values of the wrong type, in the bot's language
_TYPE_ERRORS = {
    "int_parsing": "нужно целое число",
    "int_type": "нужно целое число",
    "bool_parsing": "нужно true или false",
    "bool_type": "нужно true или false",
    "float_parsing": "нужно число",
    "decimal_parsing": "нужно число",
    "greater_than": "нужно число больше нуля",
    "missing": "не задана",
}
