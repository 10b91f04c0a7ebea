"""``--fix`` and ``--diff``: apply the rules' fixes, re-validate the result in memory, write atomically."""
