"""``validate-imports smoke``: import a built archive's handler as Lambda would.

The one part of the tool that runs user code.  Everything else reads files.
"""
