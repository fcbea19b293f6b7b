"""Test tools: the recording session and the client live in ``bot`` (the terminal chat uses them too)."""

from bot.local_client import BotClient, Sent
from bot.local_session import LocalSession as RecordingSession

__all__ = ["BotClient", "RecordingSession", "Sent"]
