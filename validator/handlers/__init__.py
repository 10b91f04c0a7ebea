"""Handler configuration and linkage: which handler string each package is checked against.

``collect_handler_configs`` reads every place a repository declares handlers
(Terraform, SAM/CloudFormation, serverless, ``[tool.validate-imports]``);
``link_handlers`` ties each simulated package to one of them (or to CLI
``--handler`` flags seen in the workflow) and says how.
"""

from __future__ import annotations

from validator.handlers import pyproject_config, sam, serverless, terraform
from validator.handlers.grammar import handler_module_path, parse_handler
from validator.handlers.infer import infer_handler
from validator.handlers.link import cli_configs, link_handlers
from validator.model import HandlerConfig, Span, Unmodelled
from validator.model.repo import Repo

__all__ = [
    "cli_configs",
    "collect_handler_configs",
    "handler_module_path",
    "infer_handler",
    "link_handlers",
    "parse_handler",
]


def collect_handler_configs(repo: Repo) -> tuple[list[HandlerConfig], list[Unmodelled]]:
    """Every handler the repository declares, with the span that sets it, and the files
    that could not be read (as warnings, never exceptions)."""
    configs: list[HandlerConfig] = []
    problems: list[Unmodelled] = []
    for source in (pyproject_config.collect, terraform.collect, sam.collect, serverless.collect):
        try:
            found, issues = source(repo)
        except RecursionError:  # pathological nesting in a config file
            problems.append(Unmodelled(Span("", 1, 1, 1, 2),
                                       f"{source.__module__} gave up on deeply nested input",
                                       could_touch_package=True))
            continue
        configs.extend(found)
        problems.extend(issues)
    return configs, problems
