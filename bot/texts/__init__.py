"""Every user-facing string, in one catalog: one module per flow, shared words in ``common``."""
