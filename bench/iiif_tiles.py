"""How long the IIIF Image API takes to make tiles on demand (no Django, no HTTP).

Run: .venv/bin/python bench/iiif_tiles.py
A 6000×8000 JPEG (a 600 dpi letter-size scan) and a 20-page PDF are made in a temp dir;
we time cold tiles (decode + resize + encode; what a viewer's first visit costs) at the
zoom levels OpenSeadragon asks for, and PDF page rendering with PDFium.
"""

import statistics
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from chancery.iiif import imageapi, tiles


def scan(path: Path, size=(6000, 8000)) -> None:
    image = Image.new("RGB", size, (240, 235, 220))
    draw = ImageDraw.Draw(image)
    for y in range(100, size[1] - 100, 60):
        draw.line((100, y, size[0] - 100, y), fill=(40, 40, 40), width=4)
    image.save(path, quality=90)


def timed(fn, repeat=5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def tile(path, region, size):
    def run():
        with imageapi.open_source(path) as source:
            w, h = source.size
            request = imageapi.parse(region, size, "0", "default", "jpg", w, h)
            out = imageapi.render(source, request)
            out.save(Path(path).with_suffix(".out.jpg"), quality=85)

    return run


def main():
    with tempfile.TemporaryDirectory() as tmp:
        jpeg = Path(tmp) / "scan.jpg"
        scan(jpeg)
        print("6000x8000 JPEG, median of 5, ms:")
        for label, region, size in [
            ("full-resolution tile 512x512 (scale 1)", "2048,2048,512,512", "512,"),
            ("tile at scale 4 (2048px region -> 512)", "0,0,2048,2048", "512,"),
            ("tile at scale 16 (whole image -> 375x500)", "full", "375,"),
            ("thumbnail 200px wide", "full", "200,"),
        ]:
            print(f"  {label}: {timed(tile(jpeg, region, size)):.0f}")

        out = Path(tmp) / "tiles"

        def cut():
            for f in out.glob("*"):
                f.unlink()
            tiles.cut_all(
                (1, 1),
                jpeg,
                lambda r: out / r.cache_name,
                lambda path, save: (path.parent.mkdir(exist_ok=True), save(path)),
            )

        print(f"  all 192 full-resolution tiles cut in one pass: {timed(cut, 3):.0f}")

        pdf_path = Path(tmp) / "doc.pdf"
        pages = [Image.new("RGB", (612, 792), "white") for _ in range(20)]
        pages[0].save(pdf_path, "PDF", save_all=True, append_images=pages[1:], resolution=72)
        pdf = pdfium.PdfDocument(str(pdf_path))

        def render():
            pdf[0].render(scale=150 / 72).to_pil().save(Path(tmp) / "p.png")

        print(f"PDF page render at 150 dpi (1275x1650) + PNG save: {timed(render):.0f} ms")
        pdf.close()


if __name__ == "__main__":
    main()
