"""What spelling costs a search request: rare and misspelt words, and "did you mean".

    CHANCERY_HOME=/tmp/relevance-home .venv/bin/python bench/spelling.py [--repeat 20]

Times ``GET /search/`` (HTML, as a user gets it, through Django's test client in this
process) over an archive that exists already (the relevance benchmark's twelve FRUS
volumes, or one ``bench/search.py`` built), for four kinds of query: a name one letter
off a word of the archive (widened to it, ``chancery/search/similar.py``), two letters off
("did you mean" runs), a word no spelling is near (it runs and finds nothing), and common
words (never widened, the control). Prints
p50 / p95 of wall-clock and of process CPU time per kind, in milliseconds, with the
1-minute load average. Run it from two trees (before / after a change) in turn, several
times, to compare them on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chancery.settings")

KINDS = {
    "one letter off a name": ["Rockhilk", "Manshuria", "Shantunk", "Kiaochoe"],
    "two letters off a name": ["Rokchill", "Mancuria", "Shangtunk", "Kiaochoow"],
    "no spelling near": ["zzyzxq", "qwxvbn", "Xylophonic"],
    "common words": ["treaty", "government", "minister legation protest", "Boxer indemnity"],
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="rounds after a warm-up")
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    for queries in KINDS.values():
        for q in queries:
            client.get("/search/", {"q": q})
    print(f"engine {settings.SEARCH_BACKEND.rsplit('.', 1)[-1]}, {args.repeat} rounds, "
          f"load {os.getloadavg()[0]:.1f}")  # fmt: skip
    for kind, queries in KINDS.items():
        wall, cpu = [], []
        for _ in range(args.repeat):
            for q in queries:
                started, used = time.perf_counter(), time.process_time()
                response = client.get("/search/", {"q": q})
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - used) * 1000)
                assert response.status_code == 200, (q, response.status_code)
        data = client.get("/api/v1/search", {"q": queries[0]}).json()
        also = [a["forms"] for a in data["query"]["also_searched"]]
        suggestion = (data["suggestion"] or {}).get("text")
        print(f"  {kind:26} wall {statistics.median(wall):6.1f} / {percentile(wall, 0.95):6.1f}"
              f"   cpu {statistics.median(cpu):6.1f} / {percentile(cpu, 0.95):6.1f}"
              f"   ({queries[0]!r}: {data['total']} found, did you mean {suggestion!r}, "
              f"also searched {also})")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
