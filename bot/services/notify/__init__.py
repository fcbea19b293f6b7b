"""Pushes: the outbox (enqueue by unique key), the one sender, quiet hours and who gets which reminder.

Plain Python: no aiogram here. The Telegram side (buttons, error mapping) lives in ``bot/notify_adapter.py``.
"""
