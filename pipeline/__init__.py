"""Cluster Policy Toolkit Press: sources -> load -> model -> check -> render -> output."""

__version__ = "0.1.0"
