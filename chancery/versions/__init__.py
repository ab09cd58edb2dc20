"""Versions of everything editorial, roles and review, and the public record of corrections.

See docs/versions.md and docs/decisions/0004-versions.md.
"""
