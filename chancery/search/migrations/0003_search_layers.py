"""Index text layers apart (translation, transcript) and add the names table.

SQLite: drops the FTS5 table and recreates it with a column per layer, and adds the
vocabulary table behind "did you mean". The new table starts empty: an archive that has
published documents is reindexed by today's indexer once ``migrate`` has finished
(``chancery.search.apps``, and ``chancery serve``'s start-up check), never from here. PostgreSQL: only the ``NameForm`` table (the
name-variant table both engines expand queries with); its FTS schema is 0002's.
Both: loads the shipped variants table (chancery/search/data/variants.tsv).

Everything is written out here as this migration runs it: the SQL, and the reading and
folding of the variants file, so that later changes to the engines cannot change it.
"""

import re
import unicodedata
from pathlib import Path

from django.db import migrations, models

from chancery.migration_operations import RunPython

VARIANTS = Path(__file__).resolve().parent.parent / "data" / "variants.tsv"

CREATE_SQL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(words UNINDEXED, "
    "title, summary, translation, transcript, names, "
    "tokenize = 'porter unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_words USING fts5("
    "words, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_words_vocab USING fts5vocab(search_words, 'row')",
]

WORD = re.compile(r"\w+", re.UNICODE)


class _Fold(dict):
    """``str.translate`` table: each character to its lower-case base letter (1:1)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if 0xAC00 <= code <= 0xD7A3:  # a Hangul syllable is a letter, not letter + marks
            self[code] = char
            return char
        base = unicodedata.normalize("NFKD", char)[:1] or char
        if unicodedata.combining(base):
            base = char
        folded = base.lower()
        folded = folded if len(folded) == 1 else char.lower()[:1] or char
        if folded == "ё":
            folded = "е"
        self[code] = folded
        return folded


_FOLD = _Fold()


def fold(text: str) -> str:
    """Lower case without diacritics, one character for one."""
    if "\u0130" in text:  # the one letter whose lower case is two characters
        return text.translate(_FOLD)
    low = text.lower()
    if low.isascii():
        return low
    special = "".join(c for c in set(low) if ord(c) > 127 and _FOLD[ord(c)] != c)
    if not special:
        return low
    return re.sub(f"[{re.escape(special)}]", lambda m: _FOLD[ord(m.group())], low)


def fold_key(text: str) -> str:
    """The key names are compared by: folded, punctuation and spacing normalised."""
    return " ".join(WORD.findall(fold(text).replace("'", "").replace("’", "")))


def token_form(name: str) -> str:
    """The words an engine sees ("Shih-k'ai" is "shih k ai", unlike its key "shih kai")."""
    return " ".join(WORD.findall(fold(name)))


def read_table(path: Path) -> list[tuple[str, list[str], list[str]]]:
    """[(kind, forms, notes)] from the variants file; a malformed line names its number."""
    groups = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) < 2:
            raise ValueError(f"{path}:{number}: expected 'kind<TAB>form | form …[<TAB>notes]'")
        forms = [f.strip() for f in columns[1].split("|") if f.strip()]
        notes = [n.strip() for n in columns[2].split("|")] if len(columns) > 2 else []
        if len(forms) >= 2:
            groups.append((columns[0].strip(), forms, notes))
    return groups


def variant_rows(path: Path) -> list[tuple[str, str, str, str, str]]:
    """(group, name, key, kind, note) for each form of each group, a form whose words repeat
    an earlier one's left out."""
    rows = []
    for n, (kind, forms, notes) in enumerate(read_table(path), 1):
        seen = set()
        for i, name in enumerate(forms):
            key, words = fold_key(name), token_form(name)
            if key and words not in seen:
                seen.add(words)
                note = notes[i] if i < len(notes) else ""
                rows.append((f"t:{n}", name, key, kind, note[:200]))
    return rows


def load_variants(apps, schema_editor):
    """One INSERT run over the rows (the ORM's objects and historical models cost more than
    the writing: 0.3 s of a new archive's migrate)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.executemany(
            'INSERT INTO search_nameform ("group", "name", "key", "kind", "note") '
            "VALUES (%s, %s, %s, %s, %s)",
            variant_rows(VARIANTS),
        )


def recreate_fts(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP TABLE IF EXISTS search_fts")
    for statement in CREATE_SQL:
        schema_editor.execute(statement)


def drop_fts(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP TABLE IF EXISTS search_words_vocab")
    schema_editor.execute("DROP TABLE IF EXISTS search_words")
    schema_editor.execute("DROP TABLE IF EXISTS search_fts")
    schema_editor.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5(title, summary, body, names, "
        "tokenize = 'porter unicode61 remove_diacritics 2')"
    )


class Migration(migrations.Migration):
    dependencies = [("search", "0002_postgres"), ("corpus", "0001_initial")]
    operations = [
        migrations.CreateModel(
            name="NameForm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("group", models.CharField(db_index=True, max_length=40)),
                ("name", models.CharField(max_length=300)),
                ("key", models.CharField(db_index=True, max_length=300)),
                (
                    "kind",
                    models.CharField(blank=True, help_text="person, place, other", max_length=20),
                ),
                (
                    "note",
                    models.CharField(blank=True, help_text="e.g. Wade-Giles, BGN", max_length=200),
                ),
            ],
            options={"ordering": ["group", "id"]},
        ),
        RunPython(load_variants, RunPython.noop),
        RunPython(recreate_fts, drop_fts),
    ]
