"""A wrong or missing setting: one clear line naming it, non-zero exit, no traceback."""

from __future__ import annotations

import pytest

from bot.__main__ import main
from bot.config import SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in ("BOT_TOKEN", "TELEGRAM_API_URL", "DATABASE_URL", "REDIS_URL", "TIMEZONE", "STAFF_CHAT_ID",
                 "ADMIN_IDS", "LOG_LEVEL", "WEBHOOK_SECRET", "WEBHOOK_URL", "PAYMENT_PROVIDER_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env here


def test_defaults():
    s = load_settings()
    assert s.database_url == "sqlite+aiosqlite:///./data/bot.db"
    assert s.timezone == "Europe/Moscow" and s.redis_url is None and s.admin_ids == []


def test_env_values(monkeypatch):
    monkeypatch.setenv("ADMIN_IDS", "1, 2;3")
    monkeypatch.setenv("STAFF_CHAT_ID", "-100123")
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:8081/")
    s = load_settings()
    assert s.admin_ids == [1, 2, 3] and s.staff_chat_id == -100123
    assert s.telegram_api_url == "http://127.0.0.1:8081"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TIMEZONE", "Europe/Atlantis"),
        ("DATABASE_URL", "mysql://x"),
        ("BOT_TOKEN", "not-a-token"),
        ("ADMIN_IDS", "alice,bob"),
        ("STAFF_CHAT_ID", "staff"),
        ("REDIS_URL", "localhost:6379"),
        ("TELEGRAM_API_URL", "127.0.0.1:8081"),
        ("LOG_LEVEL", "LOUD"),
    ],
)
def test_bad_setting_names_itself(monkeypatch, capsys, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert str(err.value).startswith(f"Настройка {name}:")
    assert main(["migrate"]) == 2
    printed = capsys.readouterr().err.strip().splitlines()
    assert len(printed) == 1 and printed[0].startswith(f"Настройка {name}:")


def test_run_without_token_says_so(capsys):
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "BOT_TOKEN" in err[0]


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql+asyncpg://postgres:secret@127.0.0.1:1/nothing", "127.0.0.1:1"),  # nobody listens there
        ("sqlite+aiosqlite:///{tmp}/not_a_db.csv", "not_a_db.csv"),  # a file that is not a database
    ],
)
def test_database_that_does_not_open_is_one_line(monkeypatch, capsys, tmp_path, url, says):
    (tmp_path / "not_a_db.csv").write_text("account_number;payer_name\n" * 200, encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", url.format(tmp=tmp_path))
    for command in (["migrate"], ["import", str(tmp_path)], ["chat"]):
        assert main(command) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("Настройка DATABASE_URL: не удаётся открыть базу данных"), err
        assert says in err[0] and "secret" not in err[0]


def test_redis_that_does_not_answer_is_one_line(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/bot.db")
    monkeypatch.setenv("REDIS_URL", "redis://:secret@127.0.0.1:1/0")  # nobody listens there
    assert main(["chat"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("Настройка REDIS_URL: не удаётся подключиться к Redis"), err
    assert "secret" not in err[0]


def test_bot_api_server_that_does_not_answer_is_one_line(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/bot.db")
    monkeypatch.setenv("BOT_TOKEN", "4242:E2E_TEST_TOKEN_abcdefghijklmnopqrstu")
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:1")  # nobody listens there
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("Настройка TELEGRAM_API_URL: не удаётся связаться с Bot API"), err


@pytest.mark.parametrize(("name", "value", "says"), [
    ("RUN_SCHEDULER", "maybe", "нужно true или false"),
    ("SEND_RATE", "fast", "нужно число"),
    ("READING_WINDOW_FROM", "двадцатое", "нужно целое число"),
])
def test_wrong_type_is_said_in_russian(monkeypatch, name, value, says):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert str(err.value) == f"Настройка {name}: {says} (получено {value!r})"


def test_secrets_are_never_printed_or_logged(monkeypatch, caplog):
    """BOT_TOKEN, WEBHOOK_SECRET and PAYMENT_PROVIDER_TOKEN are SecretStr: the Settings printed, repr'd or dumped to
    a log show stars; the values are there for the code that needs them."""
    import logging

    token, secret, pay = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ", "hook_s3cret", "381764678:TEST:pay-secret"
    monkeypatch.setenv("BOT_TOKEN", token)
    monkeypatch.setenv("WEBHOOK_SECRET", secret)
    monkeypatch.setenv("PAYMENT_PROVIDER_TOKEN", pay)
    s = load_settings()
    with caplog.at_level(logging.INFO):
        logging.getLogger("test").info("settings: %s %r", s, s)
    shown = "\n".join([str(s), repr(s), str(s.model_dump()), caplog.text])
    for value in (token, secret, pay, "ABCDEFGHIJ", "s3cret", "pay-secret"):
        assert value not in shown
    assert s.bot_token.get_secret_value() == token and s.webhook_token == secret
    assert s.payment_provider_token.get_secret_value() == pay
    from bot.app import build_bot

    assert build_bot(s).token == token


def test_a_wrong_token_is_named_without_its_value(monkeypatch):
    monkeypatch.setenv("BOT_TOKEN", "hunter2-not-a-token")
    with pytest.raises(SettingsError) as exc:
        load_settings()
    assert "BOT_TOKEN" in str(exc.value) and "hunter2" not in str(exc.value)
    monkeypatch.setenv("BOT_TOKEN", "")
    monkeypatch.setenv("PAYMENT_PROVIDER_TOKEN", "  ")
    s = load_settings()
    assert s.bot_token is None and s.payment_provider_token is None
