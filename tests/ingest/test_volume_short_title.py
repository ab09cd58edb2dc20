"""A FRUS volume is cited by its short printed title, made at import from the TEI
header's title parts (series, sub-series, volume, volume number), not by the whole long
title with its description ("Report of William W. Rockhill, …")."""

import os

import pytest
from lxml import etree

from chancery.ingest.tei import TEI, read_header, short_title

SHORT_TITLES = {
    "frus1901China.xml": "Foreign Relations of the United States, 1901, Appendix: Affairs in China",
    "frus1864p3.xml": "Papers Relating to Foreign Affairs, 1864, Part III",
    "frus1870.xml": "Papers Relating to the Foreign Relations of the United States, 1870",
    "frus1897.xml": "Papers Relating to the Foreign Relations of the United States, 1897",
    "frus1917Supp02v02.xml": "Papers Relating to the Foreign Relations of the United States, 1917, Supplement 2, The World War, Volume II",  # noqa: E501
    "frus1919Parisv01.xml": "Papers Relating to the Foreign Relations of the United States, The Paris Peace Conference, 1919, Volume I",  # noqa: E501
    "frus1934v04.xml": "Foreign Relations of the United States Diplomatic Papers, 1934, The American Republics, Volume IV",  # noqa: E501
    "frus1861.xml": "",  # no series: the full title is cited
}  # fmt: skip


def header(path: str):
    for _, el in etree.iterparse(path, events=("end",), tag=f"{TEI}teiHeader"):
        return el
    raise AssertionError(f"{path}: no teiHeader")


@pytest.mark.parametrize("name", sorted(SHORT_TITLES))
def test_short_title_from_the_tei_title_parts(frus_dir, name):
    path = os.path.join(frus_dir, name)
    volume = read_header(header(path), path)
    assert volume.short_title == SHORT_TITLES[name]
    assert volume.title, "the full title is kept"


def test_short_title_rules():
    assert short_title("", "Anything", "Volume I") == ""
    assert (
        short_title("Foreign Relations, 1950", "Western Europe, Report of the Commission", "")
        == "Foreign Relations, 1950, Western Europe"
    )
