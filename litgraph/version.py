"""The version of litgraph: one home, which the package, the summary and the command read."""

__version__ = "0.1.0"
