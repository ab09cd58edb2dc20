"""Search latency while OCR workers run (issue 17): is the web server's search as fast?

Run: .venv/bin/python bench/ocr_search.py [ROUNDS] [--volumes N] [--home DIR]
A scratch SQLite archive (its own CHANCERY_HOME) gets N FRUS volumes (default 2) to search
and 12 scanned A4 pages to read. Each round runs three contenders one after the other:
no workers; two ``chancery worker`` processes reading the scans at normal priority
(CHANCERY_WORKER_NICE=0); the same two at nice 10; one at nice 10 (what ``make run``
starts). In each, GET /search/ (the full HTML
page, through Django's test client in this process) is timed for a fixed query set, and the
1-minute load average and this process's CPU time are taken; per contender the report
gives p50/p95 of every round's requests, mean load and pages read while searching.
"""

from __future__ import annotations

import io
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HOME = Path(
    sys.argv[sys.argv.index("--home") + 1]
    if "--home" in sys.argv
    else tempfile.mkdtemp(prefix="chancery-ocr-search-")
)
os.environ.update(CHANCERY_HOME=str(HOME), DJANGO_SETTINGS_MODULE="chancery.settings")
os.environ.update(CHANCERY_OCR="off")  # this process queues the jobs itself
os.environ.update(CHANCERY_PAGE_CACHE_MB="0")  # every search run, not a kept page
os.environ.pop("CHANCERY_DATABASE_URL", None)
CHANCERY = str(Path(sys.executable).with_name("chancery"))
FRUS = Path("/work/shared/corpora/frus")
QUERIES = ["treaty", "indemnity", "government", "minister legation protest", '"open door"']
PAGES = 12
REPEAT = 8  # each query per round: about 20 s of searching
#: (name, niceness, workers)
CONTENDERS = [
    ("no workers", None, 0),
    ("2 workers, nice 0", 0, 2),
    ("2 workers, nice 10", 10, 2),
    ("1 worker, nice 10", 10, 1),
]


def page_png(seed: int) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    rng = random.Random(seed)
    words = [
        "treaty",
        "legation",
        "minister",
        "protest",
        "indemnity",
        "consul",
        "tariff",
        "embassy",
        "note",
    ]
    image = Image.new("RGB", (2480, 3508), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    face = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 36)
    for n in range(40):
        text = " ".join(rng.choice(words) for _ in range(12))
        draw.text((200, 250 + n * 75), text, font=face, fill=(25, 25, 25))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def setup(volumes: int) -> list[int]:
    if "--home" in sys.argv:  # an archive this script built before
        import django

        django.setup()
        from chancery.corpus.models import Scan

        return list(
            Scan.objects.filter(document__public_id__startswith="bench/scan").values_list(
                "pk", flat=True
            )
        )
    subprocess.run([CHANCERY, "migrate", "--no-input"], check=True, capture_output=True)  # noqa: S603
    files = sorted(FRUS.glob("*.xml"))[:volumes]
    if not files:
        sys.exit(f"no FRUS volumes in {FRUS}")
    subprocess.run(  # noqa: S603
        [CHANCERY, "import", "tei", *map(str, files), "--no-progress"],
        check=True,
        capture_output=True,
    )
    import django

    django.setup()
    from django.core.files.base import ContentFile

    from chancery.corpus.models import Document, Scan

    scans = []
    for n in range(PAGES):
        doc = Document.objects.create(
            public_id=f"bench/scan{n}", title=f"Scan {n}", date="1901", status=Document.PUBLISHED
        )
        scan = Scan(document=doc)
        scan.file.save(f"page-{n}.png", ContentFile(page_png(n)), save=True)
        scans.append(scan.pk)
    return scans


def requeue(scans: list[int]) -> None:
    from django_tasks_db.models import DBTaskResult

    from chancery.ocr.models import MachineText
    from chancery.ocr.tasks import read_scan

    DBTaskResult.objects.all().delete()
    MachineText.objects.all().delete()
    for pk in scans:
        read_scan.enqueue(pk)


def group_cpu(pgid: int) -> float:
    """CPU seconds used so far by the processes of group ``pgid`` (a worker, its Tesseract)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # pgrp; then utime, stime, cutime, cstime
            total += sum(int(f) for f in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK")


def search_round(client) -> tuple[list[float], float]:
    times = []
    cpu = time.process_time()
    for _ in range(REPEAT):
        for q in QUERIES:
            start = time.perf_counter()
            response = client.get("/search/", {"q": q})
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code
    return times, time.process_time() - cpu


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 3
    volumes = int(sys.argv[sys.argv.index("--volumes") + 1]) if "--volumes" in sys.argv else 2
    scans = setup(volumes)
    from django.conf import settings
    from django.test import Client

    from chancery.ocr.models import MachineText

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    search_round(client)  # warm caches
    results: dict[str, dict[str, list[float]]] = {
        name: {"times": [], "load": [], "cpu": [], "pages": [], "wcpu": []}
        for name, _, _ in CONTENDERS
    }
    for r in range(rounds):
        for name, nice, count in CONTENDERS:
            workers: list[subprocess.Popen] = []
            if nice is not None:
                requeue(scans)
                env = os.environ | {"CHANCERY_WORKER_NICE": str(nice), "CHANCERY_OCR": "on"}
                workers = [
                    subprocess.Popen(  # noqa: S603
                        [CHANCERY, "worker", "--verbosity", "0"], env=env, start_new_session=True
                    )
                    for _ in range(count)
                ]
                time.sleep(5)  # at work on a page
            times, cpu = search_round(client)
            load = os.getloadavg()[0]
            pages = MachineText.objects.count()
            if any(w.poll() is not None for w in workers):
                sys.exit("a worker stopped before the round ended")
            worker_cpu = sum(group_cpu(w.pid) for w in workers)
            for w in workers:  # the worker and the Tesseract it runs
                os.killpg(w.pid, signal.SIGKILL)
                w.wait()
            results[name]["wcpu"].append(worker_cpu)
            results[name]["times"] += times
            results[name]["load"].append(load)
            results[name]["cpu"].append(cpu)
            results[name]["pages"].append(pages)
            print(
                f"round {r + 1} {name}: p50 {statistics.median(times) * 1000:.0f} ms, "
                f"load {load:.1f}, cpu {cpu:.2f} s, workers' cpu {worker_cpu:.1f} s, "
                f"pages read {pages}",
                flush=True,
            )
    print("\n| Contender | requests | p50 | p95 | CPU per round: search | workers | load |")
    print("|---|---|---|---|---|---|---|")
    for name, _, _ in CONTENDERS:
        t = sorted(results[name]["times"])
        p95 = t[int(len(t) * 0.95) - 1]
        print(
            f"| {name} | {len(t)} | {statistics.median(t) * 1000:.0f} ms | {p95 * 1000:.0f} ms"
            f" | {statistics.mean(results[name]['cpu']):.2f} s"
            f" | {statistics.mean(results[name]['wcpu'] or [0]):.1f} s"
            f" | {statistics.mean(results[name]['load']):.1f} |"
        )


if __name__ == "__main__":
    main()
