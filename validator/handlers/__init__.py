"""Handler configuration and linkage.  INTERFACE STUB."""

from __future__ import annotations

from validator.models import DeployRef, HandlerConfig, HandlerLink, Package, Unmodelled
from validator.repo import Repo


def collect_handler_configs(repo: Repo) -> tuple[list[HandlerConfig], list[Unmodelled]]:
    raise NotImplementedError


def link_handlers(
    packages: list[Package],
    configs: list[HandlerConfig],
    deploys: list[DeployRef],
    explicit: dict[str, str] | None = None,
) -> list[HandlerLink | None]:
    raise NotImplementedError
