"""OCR throughput through the job queue: pages per minute with one and two workers.

Run: nice -n 10 .venv/bin/python bench/ocr.py [PAGES]
A scratch archive (SQLite, its own CHANCERY_HOME) gets PAGES documents (default 8), each
with one A4 page scanned at 300 dpi (2480×3508 px, 40 lines of English typed in DejaVu
Serif); adding the scans queues their OCR jobs. Then `chancery worker --burst` works the
queue, timed from start to exit, first alone, then (the jobs queued again) two at once.
"""

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HOME = Path(tempfile.mkdtemp(prefix="chancery-ocr-bench-"))
os.environ.update(CHANCERY_HOME=str(HOME), DJANGO_SETTINGS_MODULE="chancery.settings")
os.environ.pop("CHANCERY_DATABASE_URL", None)
CHANCERY = str(Path(sys.executable).with_name("chancery"))
WORDS = [
    "the",
    "ambassador",
    "telegraphed",
    "department",
    "state",
    "treaty",
    "negotiations",
    "moscow",
    "embassy",
    "soviet",
    "minister",
    "foreign",
    "affairs",
    "memorandum",
    "conversation",
    "president",
    "agreement",
]


def page_png(seed: int) -> bytes:
    import io

    from PIL import Image, ImageDraw, ImageFont

    rng = random.Random(seed)
    image = Image.new("RGB", (2480, 3508), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 36)
    for n in range(40):
        line = " ".join(rng.choice(WORDS) for _ in range(12))
        draw.text((200, 250 + n * 75), line.capitalize() + ".", font=font, fill=(25, 25, 25))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def workers(n: int) -> float:
    start = time.perf_counter()
    running = [
        subprocess.Popen([CHANCERY, "worker", "--burst", "--verbosity", "0"])  # noqa: S603
        for _ in range(n)
    ]
    for p in running:
        p.wait()
    return time.perf_counter() - start


def main() -> None:
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    subprocess.run([CHANCERY, "migrate", "--no-input"], check=True, capture_output=True)  # noqa: S603
    import django

    django.setup()
    from django.core.files.base import ContentFile

    from chancery.corpus.models import Document, Scan
    from chancery.ocr.models import MachineText
    from chancery.ocr.tasks import read_scan

    scans = []
    for n in range(pages):
        doc = Document.objects.create(public_id=f"bench/d{n}", title=f"Page {n}", date="1958")
        scan = Scan(document=doc)
        scan.file.save(f"page-{n}.png", ContentFile(page_png(n)), save=True)
        scans.append(scan.pk)
    for count in (1, 2):
        if count == 2:
            MachineText.objects.all().delete()
            for pk in scans:
                read_scan.enqueue(pk)
        seconds = workers(count)
        read = MachineText.objects.count()
        words = sum(len(t.text.split()) for t in MachineText.objects.all())
        print(
            f"{count} worker(s): {read} pages in {seconds:.1f} s = "
            f"{read / seconds * 60:.1f} pages/minute ({words} words)"
        )


if __name__ == "__main__":
    main()
