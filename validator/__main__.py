"""``python -m validator`` runs the command line."""

from validator.cli import entry

entry()
