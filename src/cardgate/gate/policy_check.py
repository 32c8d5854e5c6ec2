"""What `cardgate validate` asks of the gate: the mistakes in the workspace's policy that
the gate would refuse it for, decided by the gate's own walk (`policy.policy_problems`)
against the registry's rules. Its own module: the rules import `policy`."""

from __future__ import annotations

from cardgate.core.problems import Problem
from cardgate.documents.workspace import Workspace
from cardgate.gate.policy import policy_problems
from cardgate.gate.rules import RULES


def validation_problems(workspace: Workspace) -> list[Problem]:
    """`policy_problems` against every rule of the gate (`validation.report.run_validation`'s
    `checks`)."""
    return policy_problems(workspace, RULES)
