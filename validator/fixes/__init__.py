"""The fix toolkit the rules build their fixes from: minimal text edits on the original workflow.

``sites`` finds the command a finding points at, ``edits`` turns script edits into
edits of the file (any ``run:`` style), ``placement`` and ``words`` work out the folder
words of a moved copy, ``loops`` keeps a fix inside a loop, function or matrix step
right for every run of it, and ``outcome`` holds what every fix builder shares.  Each
rule decides its own fix in its module; ``validator.autofix`` applies, re-validates and writes.
"""
