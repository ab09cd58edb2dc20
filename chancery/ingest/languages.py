"""Language codes: ISO 639-2/B as the corpus keys them, checked against pycountry."""

from __future__ import annotations

import functools

import pycountry

from chancery.corpus.models import Language


@functools.cache
def _by_code() -> dict[str, str]:
    """Every accepted code -> its ISO 639-2/B form (T codes and 639-1 codes map too)."""
    codes: dict[str, str] = {}
    for lang in pycountry.languages:
        b = getattr(lang, "bibliographic", None) or getattr(lang, "alpha_3", "")
        if not b:
            continue
        for alias in (b, getattr(lang, "alpha_3", ""), getattr(lang, "alpha_2", "")):
            if alias:
                codes.setdefault(alias.lower(), b.lower())
    return codes


def normalise_code(code: str) -> str:
    """``code`` as ISO 639-2/B ("ru" -> "rus", "zho" -> "chi"); ValueError if unknown."""
    found = _by_code().get(code.strip().lower())
    if not found:
        raise ValueError(f"unknown language code {code!r} (use ISO 639-2/B, e.g. 'eng', 'rus')")
    return found


def language_name(code: str) -> str:
    lang = pycountry.languages.get(alpha_3=code) or next(
        (x for x in pycountry.languages if getattr(x, "bibliographic", "") == code), None
    )
    return lang.name if lang else code


def get_language(code: str, cache: dict[str, Language]) -> Language:
    code = normalise_code(code)
    if code not in cache:
        language = Language.objects.filter(code=code).first()
        if language is None:
            language = Language.objects.create(code=code, name=language_name(code))
        cache[code] = language
    return cache[code]
