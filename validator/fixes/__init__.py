"""The fix engine: minimal text edits on the original workflow that correct packaging.

``sites`` finds the command a finding points at, ``edits`` turns script edits into
edits of the file (any ``run:`` style), ``builders`` decides what each fix is,
``loops`` keeps a fix inside a loop, function or matrix step right for every run of
it, and ``apply`` applies, re-validates and writes.
"""
