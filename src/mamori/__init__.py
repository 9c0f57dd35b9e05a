"""Mamori (守り): a municipality's information security policy, run as software."""

__version__ = "0.1.0"
