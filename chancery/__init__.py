"""Chancery: a digital archive for primary-source documents."""

__version__ = "0.1.0"
