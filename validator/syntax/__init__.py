"""Parsers of the input languages; nothing here knows about Lambda."""
