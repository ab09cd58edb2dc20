"""Search speed: p50/p95 of the bare engine query and of the full search request.

    nice -n 10 .venv/bin/python bench/search.py [--sizes real,200000,1000000]
        [--engine sqlite,tantivy|postgres] [--anchor] [--repeat 5] [--build-only]
        [--visit first|cold|repeat] [--profile QUERY] [--frus DIR] [--home DIR]

For each size it builds an archive in its own CHANCERY_HOME (kept and reused between runs):
"real" imports the shared FRUS volumes; a number N adds synthetic documents made from them
(new ids, paragraphs recombined from random real documents, same vocabulary, random dates
1850-1950, real types and collections) until the archive holds N documents. The archive is
a SQLite database; before an engine is timed its index is built (timed: "index build")
when it does not hold every published document — FTS5's table as well as Tantivy's folder,
so an archive first built for one engine is complete for the other. ``--engine`` names one
engine or several (``sqlite,tantivy``): several are timed in the same run, interleaved
query by query. Then it runs a fixed query set (single words, several words, phrases, with
date filters, with facet selections) and reports, per query and overall:

- engine: through the public interface of every engine, ``backend.search(query)``, its
  ``count()``, the top 10 with snippets (``results[0:10]``) and two facet counts over all
  matches (``results.facets(only=("type", "decade"))``);
- request: GET /search/ as a user gets it (HTML, 10 hits, every facet, snippets, histogram);
- with ``--anchor``, anchor: the bare engine doing the same work (``bench/anchor.py``), and
  the ratios request / anchor of the p50s and of the p95s, in wall-clock and in CPU time
  (both run in this process; CPU time is what a shared machine's load does not inflate).

``--engine postgres`` times the archive in PostgreSQL: set ``CHANCERY_DATABASE_URL`` (or run
``bench/search_postgres.py``, which does); its CPU time includes the PostgreSQL server
process's doing the work (``cpu_time``), and its anchor is bare PostgreSQL full-text search.
``--visit`` says what each round forgets of what a serving process keeps: ``first`` (the
default), everything a search keeps (its facets, aside, lookups of its words), as when a
reader asks a search nobody asked before of a process that has served others; ``cold``,
also what every search shares until the next write (the collection tree of provenance,
the browse counts), as for the first search after a write; ``repeat``, nothing (the same
search asked again).

``--profile QUERY`` (words, or a query string such as ``q=treaty&start_date=1900``) shows
where one request's time goes instead: cProfile's top 25 and every SQL statement's time.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import synthetic  # noqa: E402 — bench/, on the path just above

QUERIES = [
    {"q": "treaty"},
    {"q": "Persia"},
    {"q": "indemnity"},
    {"q": "government"},  # broad: most of the archive
    {"q": "Boxer indemnity"},
    {"q": "minister legation protest"},
    {"q": "commercial treaty revision tariff"},
    {"q": '"most favored nation"'},
    {"q": '"open door"'},
    {"q": "Li Hongzhang"},
    {"q": "Beijing"},
    {"q": "treaty", "start_date": "1900", "end_date": "1910"},
    {"q": "claims 1870..1890"},
    {"q": "government", "start_date": "1930", "end_date": "1936"},
    {"q": "treaty", "type": "__TYPE__"},
    {"q": "minister", "collection": "__COLLECTION__"},
]
REPEAT = 5
ENGINES = {
    "sqlite": "chancery.search.backends.sqlite_fts5.SQLiteFTS5Backend",
    "tantivy": "chancery.search.backends.tantivy.TantivyBackend",
    # The archive in PostgreSQL (CHANCERY_DATABASE_URL); bench/search_postgres.py sets it.
    "postgres": "chancery.search.backends.postgres.PostgresBackend",
}
#: CPU time of each measurement (SQLite runs in this process, so it is counted): a figure
#: that other work on a shared machine does not inflate, unlike wall-clock time.
CPU: list[float] = []
ENGINE_CPU: list[float] = []
#: PostgreSQL server processes whose CPU time counts as this process's (the anchor's).
SERVER_PIDS: list[int] = []


def cpu_time() -> float:
    """This process's CPU time and, on PostgreSQL, that of the server processes doing its
    work (Django's connection, the anchor's), read in nanoseconds from
    ``/proc/<pid>/schedstat`` (the server runs on this machine)."""
    from django.db import connection

    total = time.process_time()
    pids = list(SERVER_PIDS)
    if connection.vendor == "postgresql" and connection.connection is not None:
        pids.append(connection.connection.info.backend_pid)
    for pid in pids:
        with contextlib.suppress(OSError):
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
    return total


def setup(home: Path):
    os.environ["CHANCERY_HOME"] = str(home)
    # No time limit: a slow request is timed, not answered 503 (production default: 5 s).
    os.environ["CHANCERY_SEARCH_TIMEOUT"] = "0"
    # Every round runs the search: a page kept from the warm-up would time a memory read.
    os.environ["CHANCERY_PAGE_CACHE_MB"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chancery.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def setup_built(home: Path) -> None:
    """``setup`` for the scripts that only read an archive this one built
    (``page_parts.py``, ``aggregation.py``): a folder without one is refused, not made
    into an empty archive that then fails on the first query."""
    if not (home / "chancery.sqlite3").is_file():
        raise SystemExit(
            f"no bench archive at {home}: build it first with "
            f"bench/search.py --home {home.parent} --sizes {home.name} --build-only"
        )
    setup(home)


def import_real(frus: Path):
    from django.core.management import call_command

    from chancery.corpus.models import Document

    if not Document.objects.exists():
        files = sorted(str(p) for p in frus.glob("*.xml"))
        call_command("import", "tei", *files, "--no-progress", verbosity=0)


def _database_backend():
    """The engine that keeps its index in the database: synthetic documents go into it even
    when the benchmark runs another engine, so one archive serves every engine (an engine
    with its index outside is built from the database by ``ensure_index``)."""
    from django.conf import settings
    from django.db import connection
    from django.utils.module_loading import import_string

    from chancery.search.backends import get_backend

    backend = get_backend()
    if not backend.deferred:
        return backend
    name = "postgres" if connection.vendor == "postgresql" else "fts5"
    return import_string(settings.SEARCH_BACKENDS[name])()


def ensure_index() -> float | None:
    """Build the engine's index when it does not hold every published document — Tantivy's
    folder, or FTS5's table (an archive whose real volumes were imported while another
    engine was configured has none of them in it); the time it took (None: nothing to
    build)."""
    from chancery.corpus.models import Document
    from chancery.search.backends import get_backend
    from chancery.search.indexing import reindex

    backend = get_backend()
    published = Document.objects.published().count()
    if backend.indexed_count() == published and not backend.drift():
        return None
    started = time.perf_counter()
    reindex()
    indexed = backend.indexed_count()
    if indexed != published:
        raise SystemExit(f"the {backend.vendor} index holds {indexed} of {published} documents")
    return time.perf_counter() - started


def synthesise(target: int, seed: int = 7, batch: int = 5000):
    """Add synthetic documents (and their index entries) until there are ``target``.

    Resumable: an archive copied from a smaller size (or a build stopped half-way) is
    continued, with ids after the last ones and a random stream seeded by where it starts,
    so no synthetic document repeats another. Durability is off for this connection while
    it builds (a crash means rebuilding a benchmark archive, nothing more).
    """
    from django.db import connection, transaction

    from chancery.corpus.models import Document, Membership, Transcript
    from chancery.corpus.sanitize import html_to_text
    from chancery.search.backends.base import IndexEntry
    from chancery.search.indexing import indexing_paused
    from chancery.search.snippets import shown_texts

    have = Document.objects.count()
    if have >= target:
        return
    rng = synthetic.stream(have, seed)
    made_of = synthetic.material()
    backend = _database_backend()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-262144")  # 256 MiB
    n, started = have, time.perf_counter()
    while n < target:
        size = min(batch, target - n)
        made = synthetic.batch(rng, made_of, n, size)
        docs = [Document(status=Document.PUBLISHED, **{k: v for k, v in d.items()
                                                       if k not in ("html", "collection_id")})
                for d in made]  # fmt: skip
        texts = [d["html"] for d in made]
        with transaction.atomic(), indexing_paused():
            created = Document.objects.bulk_create(docs)
            Transcript.objects.bulk_create(
                [Transcript(document=d, html=t) for d, t in zip(created, texts, strict=True)]
            )
            Membership.objects.bulk_create(
                [
                    Membership(document=d, collection_id=m["collection_id"])
                    for d, m in zip(created, made, strict=True)
                ]  # fmt: skip
            )
            entries = []
            for d, t in zip(created, texts, strict=True):
                text, shown = html_to_text(t), shown_texts([], [t], [])
                entries.append(IndexEntry(pk=d.pk, title=d.title, summary="", body=text,
                                          transcript=text, shown=shown))  # fmt: skip
            backend.add(entries)
        n += size
        rate = (n - have) / (time.perf_counter() - started)
        print(f"  {n} documents ({rate:.0f}/s, {time.strftime('%H:%M:%S')})",
              file=sys.stderr, flush=True)  # fmt: skip
    if hasattr(backend, "optimize"):
        optimizing = time.perf_counter()
        backend.optimize()
        print(f"  optimized in {time.perf_counter() - optimizing:.0f} s", file=sys.stderr)


def resolve(params: dict) -> dict:
    from django.db.models import Count, Q

    from chancery.corpus.models import Collection, DocumentType

    out = dict(params)
    if out.get("type") == "__TYPE__":
        out["type"] = DocumentType.objects.order_by("pk").values_list("slug", flat=True).first()
    if out.get("collection") == "__COLLECTION__":
        # The collection holding most of the real documents (same at every size; until
        # 2026-11-27 the second by pk, "correspondence", which holds none directly).
        real = Count("documents", filter=~Q(documents__public_id__startswith="synthetic/"))
        by_size = Collection.objects.annotate(n=real).order_by("-n", "pk")
        out["collection"] = by_size.values_list("slug", flat=True).first()
    return out


#: What each round forgets (``first_visit``, ``--visit``): "first", what a search keeps;
#: "cold", also what searches share until a write; "repeat", nothing.
VISIT = "first"


def first_visit() -> None:
    """Forget what a process keeps for one search (its facets, aside and lookups): each
    round times a search as if nobody had asked it before, not a repeat. ``cold`` also
    forgets what every search shares until the next write (the collection tree, the
    browse counts, Tantivy's facet labels), as for the first search after a write."""
    if VISIT == "repeat":
        return
    from chancery.search import kept
    from chancery.web import freshness

    freshness.forget(searches_only=VISIT == "first")
    kept.forget()
    if VISIT == "cold":
        from chancery.search.backends.tantivy.searching import forget_labels

        forget_labels()


def engine_once(params: dict) -> float:
    """The bare engine query, the same for every engine (public interface only)."""
    from chancery.search.backends import get_backend
    from chancery.search.forms import SearchForm

    first_visit()
    form = SearchForm(params)
    assert form.is_valid(), form.errors
    started, cpu = time.perf_counter(), cpu_time()
    results = get_backend().search(form.to_query())
    results.count()
    results[0:10]  # ranked top 10, as Hits with highlighted titles and snippets
    results.facets(only=("type", "decade"))
    ENGINE_CPU.append(cpu_time() - cpu)
    return time.perf_counter() - started


def request_once(client, params: dict) -> float:
    first_visit()
    started, cpu = time.perf_counter(), cpu_time()
    response = client.get("/search/", params)
    elapsed = time.perf_counter() - started
    CPU.append(cpu_time() - cpu)
    assert response.status_code == 200, (params, response.status_code)
    return elapsed


def use(engine: str) -> None:
    """Answer with this engine from now on (``get_backend`` reads the setting each time)."""
    from django.conf import settings

    settings.SEARCH_BACKEND = ENGINES[engine]


def anchors(engines: list[str], home: Path) -> dict:
    """{engine: the bare engine over the same archive} (``bench/anchor.py``)."""
    import anchor
    from django.db import connection

    database = Path(connection.settings_dict["NAME"])
    out = {}
    for engine in engines:
        if engine == "postgres":
            out[engine] = anchor.PostgresAnchor(os.environ["CHANCERY_DATABASE_URL"])
            SERVER_PIDS.append(out[engine].pid)
        elif engine == "sqlite":
            out[engine] = anchor.FTS5Anchor(database)
        else:
            built = anchor.build_tantivy(database, home / "anchor-tantivy")
            if built is not None:
                print(f"  anchor index build: {built:.1f} s", file=sys.stderr)
            out[engine] = anchor.TantivyAnchor(home / "anchor-tantivy")
    return out


ANCHOR_CPU: list[float] = []


def anchor_once(bare, query) -> float:
    started, cpu = time.perf_counter(), cpu_time()
    bare.run(query)
    ANCHOR_CPU.append(cpu_time() - cpu)
    return time.perf_counter() - started


def pct(values, p):
    if len(values) == 1:
        return values[0] * 1000
    return statistics.quantiles(values, n=100)[p - 1] * 1000


def measure(engines: list[str], size: str, home: Path, with_anchor: bool) -> list[dict]:
    """Every engine over the same queries, interleaved query by query (the same load for
    each); one row per engine."""
    import sqlite3

    import anchor
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from chancery.corpus.models import Document

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    queries = [resolve(q) for q in QUERIES]
    bare = anchors(engines, home) if with_anchor else {}
    if bare:
        if "postgres" in bare:
            db = anchor.PostgresLookup(bare["postgres"].db)
        else:
            db = sqlite3.connect(str(connection.settings_dict["NAME"]))
        anchored = [anchor.read_params(q, db, searched_groups(q)) for q in queries]
    times = {e: {"engine": [], "request": [], "anchor": [], "cpu": [], "engine_cpu": [],
                 "anchor_cpu": []} for e in engines}  # fmt: skip
    for e in engines:  # warm caches once
        use(e)
        for i, q in enumerate(queries):
            engine_once(q)
            request_once(client, q)
            if e in bare:
                anchor_once(bare[e], anchored[i])
    for _ in range(REPEAT):
        for i, q in enumerate(queries):
            for e in engines:
                use(e)
                t = times[e]
                t["engine"].append(engine_once(q))
                t["engine_cpu"].append(ENGINE_CPU.pop())
                t["request"].append(request_once(client, q))
                t["cpu"].append(CPU.pop())
                if e in bare:
                    t["anchor"].append(anchor_once(bare[e], anchored[i]))
                    t["anchor_cpu"].append(ANCHOR_CPU.pop())
    documents = Document.objects.count()
    rows = []
    for e in engines:
        t = times[e]
        use(e)
        row = {
            "size": size,
            "engine": e,
            "documents": documents,
            "engine_p50": pct(t["engine"], 50),
            "engine_p95": pct(t["engine"], 95),
            "request_p50": pct(t["request"], 50),
            "request_p95": pct(t["request"], 95),
            "sqlite": getattr(connection.Database, "sqlite_version", "n/a: PostgreSQL"),
            "engine_cpu_p50": pct(t["engine_cpu"], 50),
            "engine_cpu_p95": pct(t["engine_cpu"], 95),
            "request_cpu_p50": pct(t["cpu"], 50),
            "request_cpu_p95": pct(t["cpu"], 95),
            "load": os.getloadavg()[0],
        }
        if t["anchor"]:
            row["anchor_p50"] = pct(t["anchor"], 50)
            row["anchor_p95"] = pct(t["anchor"], 95)
            row["anchor_cpu_p50"] = pct(t["anchor_cpu"], 50)
            row["anchor_cpu_p95"] = pct(t["anchor_cpu"], 95)
        labels = [str(q) for q in queries * REPEAT]
        slowest = sorted(zip(t["request"], labels, strict=True))[-3:]
        row["slowest"] = [(f"{x * 1000:.0f} ms", q) for x, q in slowest]
        n = len(queries)
        row["per_query"] = [
            {
                "query": describe(q),
                "matches": matches(q),
                "engine_p50": statistics.median(t["engine"][i::n]) * 1000,
                "request_p50": statistics.median(t["request"][i::n]) * 1000,
                "anchor_p50": statistics.median(t["anchor"][i::n]) * 1000 if t["anchor"] else 0,
            }
            for i, q in enumerate(queries)
        ]
        rows.append(row)
    return rows


def searched_groups(params: dict) -> list[list[str]]:
    """The words Chancery searches for a query, as groups of alternatives (the anchor
    searches the same)."""
    from chancery.search.backends import get_backend
    from chancery.search.forms import SearchForm

    form = SearchForm(params)
    assert form.is_valid(), form.errors
    parsed = get_backend().search(form.to_query()).compiled.parsed
    return [[term.text for term in group] for group in parsed.groups]


def matches(params: dict) -> int:
    from chancery.search.backends import get_backend
    from chancery.search.forms import SearchForm

    form = SearchForm(params)
    assert form.is_valid(), form.errors
    return get_backend().search(form.to_query()).count()


def describe(params: dict) -> str:
    """A query as a reader would write it: the words, then any selection."""
    rest = " ".join(f"{k}={v}" for k, v in params.items() if k != "q")
    return f"{params.get('q', '')} {rest}".strip()


def parse_profile_query(text: str) -> dict:
    """``treaty`` or ``q=treaty&start_date=1900`` -> request parameters."""
    from urllib.parse import parse_qsl

    if "=" in text:
        return resolve(dict(parse_qsl(text, keep_blank_values=True)))
    return {"q": text}


class StatementTimer:
    """Each SQL statement's time, fetching its rows included: SQLite (in-process) does most
    of a query's work while rows are fetched, after ``execute`` returned, so Django's own
    query log (``CaptureQueriesContext``) shows it as a fraction of a millisecond."""

    FETCHES = ("fetchone", "fetchmany", "fetchall")

    def __init__(self):
        self.statements: list[list] = []  # [sql, params, seconds]

    def __call__(self, execute, sql, params, many, context):
        entry = [sql, params, 0.0]
        self.statements.append(entry)
        raw = getattr(context["cursor"], "cursor", None)
        for name in self.FETCHES:
            method = getattr(type(raw), name, None)
            if method is not None:
                with contextlib.suppress(AttributeError, TypeError):  # no per-instance attrs
                    setattr(raw, name, self._timed(method, raw, entry))
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            entry[2] += time.perf_counter() - started

    @staticmethod
    def _timed(method, raw, entry):
        def fetch(*args, **kwargs):
            started = time.perf_counter()
            try:
                return method(raw, *args, **kwargs)
            finally:
                entry[2] += time.perf_counter() - started

        return fetch


def profile(params: dict, top: int = 25) -> None:
    """Where one request's time goes: cProfile by cumulative time, and the SQL statements."""
    import cProfile
    import io
    import pstats

    from django.conf import settings
    from django.db import connections
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    request_once(client, params)  # warm caches, as the measurements do
    engine_ms = engine_once(params) * 1000
    profiler, timer = cProfile.Profile(), StatementTimer()
    with contextlib.ExitStack() as stack:
        for alias in connections:
            stack.enter_context(connections[alias].execute_wrapper(timer))
        started = time.perf_counter()
        profiler.enable()
        request_once(client, params)
        profiler.disable()
        elapsed = time.perf_counter() - started
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(top)
    print("-- the same, only Chancery's own functions:", file=out)
    stats.print_stats(r"/chancery/", top)
    print(f"request {describe(params)!r}: {elapsed * 1000:.0f} ms under the profiler "
          f"(engine query alone, unprofiled: {engine_ms:.0f} ms)")  # fmt: skip
    print(out.getvalue())
    total = sum(seconds for _, _, seconds in timer.statements)
    print(f"SQL: {len(timer.statements)} statements, {total * 1000:.1f} ms of "
          f"{elapsed * 1000:.0f} ms (in the order run; execute + fetching the rows)")  # fmt: skip
    print("| ms | statement |\n|---|---|")
    for sql, params, seconds in timer.statements:
        sql = " ".join(sql.split())
        sql = sql if len(sql) <= 300 else sql[:220] + " … " + sql[-70:]
        shown = f" {list(params)[:6]!r}" if params else ""
        print(f"| {seconds * 1000:.1f} | `{sql}`{shown[:120]} |")


def main() -> int:
    global REPEAT, VISIT
    parser = argparse.ArgumentParser(description="Search speed benchmark.")
    parser.add_argument("--sizes", default="real,200000")
    parser.add_argument(
        "--engine", default="sqlite", help="sqlite, tantivy, or both: sqlite,tantivy"
    )
    parser.add_argument("--anchor", action="store_true", help="time the bare engine too")
    parser.add_argument("--repeat", type=int, default=REPEAT, help="rounds after the warm-up")
    parser.add_argument("--visit", choices=("first", "cold", "repeat"), default=VISIT,
                        help="forget what the process keeps before each round, or not")  # fmt: skip
    parser.add_argument("--build-only", action="store_true", help="build archives, no timing")
    parser.add_argument("--profile", metavar="QUERY", help="profile one request instead")
    parser.add_argument("--frus", default=str(ROOT.parent / "shared" / "corpora" / "frus"))
    parser.add_argument(
        "--home", default=str(Path(tempfile.gettempdir()) / "chancery-bench-search")
    )
    args = parser.parse_args()
    engines = args.engine.split(",")
    unknown = [e for e in engines if e not in ENGINES]
    if unknown:
        parser.error(f"--engine: {', '.join(unknown)}: not one of {', '.join(ENGINES)}")
    on_postgres = bool(os.environ.get("CHANCERY_DATABASE_URL", "").startswith("postgres"))
    if ("postgres" in engines) != on_postgres or (on_postgres and engines != ["postgres"]):
        parser.error("--engine postgres, alone, exactly when CHANCERY_DATABASE_URL is PostgreSQL")
    sizes = args.sizes.split(",")
    if len(sizes) > 1:
        # One process per size: Django is set up once per process.
        import subprocess

        for s in sizes:
            command = [sys.executable, __file__, "--sizes", s, "--frus", args.frus,
                       "--home", args.home, "--engine", args.engine,
                       "--repeat", str(args.repeat), "--visit", args.visit]  # fmt: skip
            command += ["--build-only"] if args.build_only else []
            command += ["--anchor"] if args.anchor else []
            command += ["--profile", args.profile] if args.profile else []
            subprocess.run(command, check=True)  # noqa: S603 — this very script, again
        return 0
    size = sizes[0]
    REPEAT, VISIT = args.repeat, args.visit
    os.environ["CHANCERY_SEARCH_BACKEND"] = ENGINES[engines[0]]
    home = Path(args.home) / size
    home.mkdir(parents=True, exist_ok=True)
    setup(home)
    if on_postgres:  # one server process for the whole run: its CPU time is read
        from django.db import connection

        connection.settings_dict["CONN_MAX_AGE"] = None
    import_real(Path(args.frus))
    if size != "real":
        synthesise(int(size))
    built_for = list(engines)
    if args.anchor and "tantivy" in engines and "sqlite" not in engines:
        # the Tantivy anchor's own index is read from FTS5's table: complete it first (real
        # volumes imported under Tantivy are not in it)
        built_for.insert(0, "sqlite")
    for engine in built_for:  # each engine's index built for its run
        use(engine)
        built = ensure_index()
        if built is not None:
            print(f"  index build ({engine}, {size}): {built:.1f} s", file=sys.stderr)
    if args.build_only:
        return 0
    if args.profile:
        use(engines[0])
        profile(parse_profile_query(args.profile))
        return 0
    rows = measure(engines, size, home, args.anchor)
    print("| size | engine | documents | engine p50 / p95 | request p50 / p95 | "
          "anchor p50 / p95 | ratio p50 | ratio p95 | request CPU p50 / p95 | "
          "anchor CPU p50 / p95 | CPU ratio p50 / p95 | load |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        if "anchor_p50" in row:
            anchor_cells = (
                f"{row['anchor_p50']:.1f} / {row['anchor_p95']:.1f} | "
                f"{row['request_p50'] / row['anchor_p50']:.1f} | "
                f"{row['request_p95'] / row['anchor_p95']:.1f}"
            )
            cpu_cells = (
                f"{row['anchor_cpu_p50']:.1f} / {row['anchor_cpu_p95']:.1f} | "
                f"{row['request_cpu_p50'] / max(row['anchor_cpu_p50'], 0.01):.1f} / "
                f"{row['request_cpu_p95'] / max(row['anchor_cpu_p95'], 0.01):.1f}"
            )
        else:
            anchor_cells, cpu_cells = "– | – | –", "– | –"
        print(
            f"| {row['size']} | {row['engine']} | {row['documents']} | "
            f"{row['engine_p50']:.1f} / {row['engine_p95']:.1f} | "
            f"{row['request_p50']:.1f} / {row['request_p95']:.1f} | {anchor_cells} | "
            f"{row['request_cpu_p50']:.1f} / {row['request_cpu_p95']:.1f} | {cpu_cells} | "
            f"{row['load']:.1f} |"
        )
    for row in rows:
        print(f"\n{row['engine']}:\n| query | matches | engine p50 | request p50 | anchor p50 |")
        print("|---|---|---|---|---|")
        for q in row["per_query"]:
            print(f"| `{q['query']}` | {q['matches']} | {q['engine_p50']:.1f} | "
                  f"{q['request_p50']:.1f} | {q['anchor_p50']:.1f} |")  # fmt: skip
        print(f"  slowest requests ({row['engine']}): {row['slowest']}  "
              f"(SQLite {row['sqlite']})", file=sys.stderr)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
