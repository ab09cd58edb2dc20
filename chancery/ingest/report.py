"""Outcomes of an import: tallies, problems with their place, and the summary line."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

OUTCOMES = ("created", "updated", "unchanged", "skipped", "failed")


class IngestError(Exception):
    """A problem in an input file, with where it is: ``file:line`` or ``file, element``."""

    def __init__(self, where: str, reason: str):
        super().__init__(f"{where}: {reason}")
        self.where, self.reason = where, reason


class FileFailed(Exception):
    """A file that cannot be imported; carries every problem found in it."""

    def __init__(self, problems: list[IngestError]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Report:
    counts: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: How long the file took (set by ``run.import_file``).
    seconds: float = 0.0

    def add(self, outcome: str, n: int = 1) -> None:
        self.counts[outcome] += n

    def merge(self, other: Report) -> None:
        self.counts.update(other.counts)
        self.problems += other.problems
        self.warnings += other.warnings

    @property
    def failed(self) -> bool:
        return bool(self.counts["failed"])

    def summary(self) -> str:
        return ", ".join(f"{self.counts[o]} {o}" for o in OUTCOMES)
