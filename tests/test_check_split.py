"""The rules on two cores (pipeline/checks/split.py): the same findings in the same order as one process,
the child's rules really run in another process, and a rule's error reaches the user as before."""
from __future__ import annotations

import os
from dataclasses import replace

import pytest

from pipeline.checks import _RULES, finding, run_rules
from pipeline.checks.bench import synthetic_toolkit
from pipeline.checks.split import CHILD_RULES, run_rules_split, two_cores
from pipeline.errors import Origin, PipelineError


def test_the_same_findings_in_the_same_order_as_one_process(shipped):
    for toolkit in (shipped, synthetic_toolkit(shipped, 400, 800)):
        split = run_rules_split(toolkit)
        assert split == run_rules(toolkit)
        assert {f.rule for f in split} & CHILD_RULES  # the child's findings came back
        assert {f.rule for f in split} - CHILD_RULES


def test_the_child_rules_run_in_another_process(shipped, monkeypatch):
    if not two_cores():
        pytest.skip("one core: the rules run one after another")
    rule = _RULES["identity.near-duplicate"]
    monkeypatch.setitem(_RULES, rule.id, replace(rule, function=lambda tk: [
        finding("pid", str(os.getpid()), [Origin("x.csv", row=2)])]))
    pids = [f.message for f in run_rules_split(shipped) if f.rule == rule.id]
    assert pids and pids != [str(os.getpid())]


def test_the_first_error_in_rule_order_is_raised_wherever_its_rule_ran(shipped, monkeypatch):
    def failing(message):
        def function(toolkit):
            raise PipelineError(message)
            yield  # a generator, as rules are
        return function

    child, parent = _RULES["identity.near-duplicate"], _RULES["countries.not-iso"]
    assert child.id in CHILD_RULES and parent.id not in CHILD_RULES and parent.id < child.id
    monkeypatch.setitem(_RULES, child.id, replace(child, function=failing("from the child's rule")))
    with pytest.raises(PipelineError, match="from the child's rule"):
        run_rules_split(shipped)
    monkeypatch.setitem(_RULES, parent.id, replace(parent, function=failing("from the parent's rule")))
    with pytest.raises(PipelineError, match="from the parent's rule"):  # first in rule order, as before
        run_rules_split(shipped)
