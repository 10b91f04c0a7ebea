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
from validator.model import HandlerConfig, LayerConfig, Span, Unmodelled
from validator.model.repo import Repo

__all__ = [
    "cli_configs",
    "collect_handler_configs",
    "collect_iac",
    "handler_module_path",
    "infer_handler",
    "link_handlers",
    "parse_handler",
]


def collect_handler_configs(repo: Repo) -> tuple[list[HandlerConfig], list[Unmodelled]]:
    """Every handler the repository declares, with the span that sets it, and the files
    that could not be read (as warnings, never exceptions)."""
    configs, _layers, problems = collect_iac(repo)
    return configs, problems


def collect_iac(repo: Repo) -> tuple[list[HandlerConfig], list[LayerConfig], list[Unmodelled]]:
    """Every handler and every layer the repository declares, and the files that could not
    be read (each file is parsed once for both)."""
    configs: list[HandlerConfig] = []
    layers: list[LayerConfig] = []
    problems: list[Unmodelled] = []

    def from_pyproject(r: Repo) -> tuple[list[HandlerConfig], list[LayerConfig], list[Unmodelled]]:
        found, issues = pyproject_config.collect(r)
        return found, [], issues

    for source in (from_pyproject, terraform.collect_all, sam.collect_all, serverless.collect_all):
        try:
            found, declared, issues = source(repo)
        except RecursionError:  # pathological nesting in a config file
            problems.append(Unmodelled(Span("", 1, 1, 1, 2),
                                       f"{getattr(source, '__module__', 'a reader')} gave up on deeply nested input",
                                       could_touch_package=True))
            continue
        configs.extend(found)
        layers.extend(declared)
        problems.extend(issues)
    return configs, layers, problems
