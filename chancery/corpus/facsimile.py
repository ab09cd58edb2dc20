"""Page images rendered from a transcript, for the demo: a facsimile, not a photograph.

Each image is an A5-proportioned page (1000 × 1414 px) with the page's paragraphs set in
DejaVu Serif (Cyrillic included; Debian package ``fonts-dejavu-core``, in
scripts/system-deps.sh) and, at its foot, a line saying it was rendered from the transcript.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT, MARGIN = 1000, 1414, 90
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")


def _font(name: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for folder in FONT_DIRS:
        path = Path(folder) / name
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)  # no Cyrillic: install fonts-dejavu-core


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def render_page(paragraphs: list[str], page: str, heading: str = "", note: str = "") -> bytes:
    """A PNG of one page: ``heading`` (first page), the paragraphs, the page number and
    ``note`` (what the image is) at the foot."""
    image = Image.new("L", (WIDTH, HEIGHT), 247)
    draw = ImageDraw.Draw(image)
    body, small = _font("DejaVuSerif.ttf", 27), _font("DejaVuSans.ttf", 19)
    bold = _font("DejaVuSerif-Bold.ttf", 30)
    y = MARGIN
    for line in _wrap(draw, heading, bold, WIDTH - 2 * MARGIN) if heading else []:
        draw.text(((WIDTH - draw.textlength(line, font=bold)) / 2, y), line, fill=20, font=bold)
        y += 44
    if heading:
        y += 24
    for paragraph in paragraphs:
        for line in _wrap(draw, paragraph, body, WIDTH - 2 * MARGIN):
            if y > HEIGHT - MARGIN - 110:
                break
            draw.text((MARGIN, y), line, fill=25, font=body)
            y += 40
        y += 16
    folio = f"— {page} —"
    draw.text(((WIDTH - draw.textlength(folio, font=body)) / 2, HEIGHT - MARGIN - 70), folio,
              fill=25, font=body)  # fmt: skip
    for i, line in enumerate(_wrap(draw, note, small, WIDTH - 2 * MARGIN)):
        draw.text((MARGIN, HEIGHT - MARGIN - 20 + i * 26), line, fill=70, font=small)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
