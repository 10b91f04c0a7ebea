"""The deploy tools that package Lambda code themselves, as workflows invoke them.

The engine uses this to know which infrastructure a workflow really deploys (a SAM
template that no workflow runs ``sam`` on is not what ships), and LPK-000 to name a tool
whose packaging goes unchecked.
"""

from __future__ import annotations

import re

#: ``cdk deploy``, ``sam build``, ``npx serverless deploy``, ``sls package``, ``terraform -chdir=infra apply`` …
TOOLS = re.compile(
    r"(?<![\w-])(?:npx\s+|npm\s+exec\s+|pnpm\s+|yarn\s+)?"
    r"(cdk\s+deploy|sam\s+(?:build|deploy|package|sync)|(?:serverless|sls)\s+(?:deploy|package)|pulumi\s+up"
    r"|chalice\s+deploy|zappa\s+(?:deploy|update)|(?:terraform|terragrunt|tofu)(?:\s+-chdir=\S+)?\s+apply"
    r"|(?:terraform|terragrunt|tofu)\s+run-all\s+apply)\b")

#: the configuration origin (``HandlerConfig.origin``) each tool deploys
ORIGINS = {"sam": "sam", "serverless": "serverless", "sls": "serverless", "terraform": "terraform",
           "terragrunt": "terraform", "tofu": "terraform"}

#: actions that run one of these tools (``uses:`` names, matched in part)
ACTIONS = {"serverless": "serverless", "terraform-apply": "terraform", "sam-deploy": "sam",
           "terragrunt": "terraform"}


def tool_name(match: re.Match[str]) -> str:
    """``sam build`` from a ``TOOLS`` match, with the runner prefixes and spacing dropped."""
    return " ".join(match.group(1).split())


def origins_run(texts: list[str], uses: list[str]) -> set[str]:
    """The configuration origins the given scripts and action references deploy."""
    found = {ORIGINS[tool_name(m).split()[0]] for text in texts for m in TOOLS.finditer(text)
             if tool_name(m).split()[0] in ORIGINS}
    found.update(origin for use in uses for part, origin in ACTIONS.items() if part in use.lower())
    return found
