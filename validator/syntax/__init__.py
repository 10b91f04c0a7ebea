"""Parsers of the input languages (YAML, shell, HCL, Makefiles, ``${{ }}``); nothing here knows about Lambda."""
