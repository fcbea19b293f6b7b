"""Keyboards: pure functions, data in, markup out; one module per flow."""
