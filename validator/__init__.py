"""validate-imports: static checks for the Lambda ZIPs a CI workflow builds."""

from __future__ import annotations

__version__ = "0.1.0"

from validator.api import DockerImportValidator, ValidationResult

__all__ = ["DockerImportValidator", "ValidationResult", "__version__"]
