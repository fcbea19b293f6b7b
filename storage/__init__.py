"""Persistence: models, engine and sessions, migrations, FSM storage. Imports nothing from ``bot``."""
