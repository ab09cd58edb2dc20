#!/bin/sh
# Issue 18's figures, to run again on other code: bench/issue18.sh [STEP...]
#
#   search   request / engine / anchor p50 and p95 (wall and CPU), real volumes and 200,000
#   million  the same at 1,000,000 documents (Tantivy only; FTS5 takes seconds a query)
#   load     req/s, p95, server CPU per request at concurrency 1, 8, 32: a distinct search
#            each request, and the repeated cheap searches; with and without kept pages
#   workers  gevent / gthread / sync x 2, 3, 4 workers at concurrency 8 (distinct searches)
#   trial    the new user's trial: a fresh clone, make run, import 200,000 documents (CSV),
#            GET /search/?q=government over HTTP
#
# No step named: search load workers. Archives: $HOMES/{real,200000,1000000} (built by
# bench/search.py --build-only; only read here). Run from the worktree to measure; every
# figure is printed with the 1-minute load average (bench/README.md says why).
set -eu
cd "$(dirname "$0")/.."
HOMES=${HOMES:-/work/bench-homes}
PY=.venv/bin/python
OUT=${OUT:-/tmp/issue18-$(date -u +%H%M)}
mkdir -p "$OUT"
say() { printf '\n== %s (%s UTC, load %s)\n' "$1" "$(date -u +%H:%M:%S)" "$(cut -d' ' -f1 /proc/loadavg)"; }

search() {
    say "search: real, 200000"
    nice -n 5 $PY bench/search.py --home "$HOMES" --sizes real,200000 \
        --engine tantivy,sqlite --anchor --repeat 3 2>&1 | grep -v 'note:'
}

million() {
    say "search: 1000000"
    nice -n 5 $PY bench/search.py --home "$HOMES" --sizes 1000000 \
        --engine tantivy --anchor --repeat 3 2>&1 | grep -v 'note:'
}

load() {
    for size in real 200000; do
        for kept in 64 0; do
            for mix in distinct cheap; do
                say "load: $size, --mix $mix, CHANCERY_PAGE_CACHE_MB=$kept"
                CHANCERY_PAGE_CACHE_MB=$kept nice -n 5 $PY bench/load.py \
                    --home "$HOMES/$size" --mix $mix --levels 1,8,32 --requests 300 \
                    --words-from "$HOMES/real"
            done
        done
    done
}

workers() {
    for n in 2 3 4; do
        for class in gevent gthread sync; do
            say "workers: $class x $n, real, --mix distinct, concurrency 8"
            nice -n 5 $PY bench/load.py --home "$HOMES/real" --mix distinct --levels 8 \
                --requests 300 --workers $n --worker-class $class | tail -1
        done
    done
}

trial() {
    # As a new user: clone, make run (port 8123), import the synthetic 200,000 as a
    # spreadsheet, search a broad word. Needs $HOMES/real for the documents' material.
    fresh=${FRESH:-/tmp/issue18-fresh}
    rm -rf "$fresh" && git clone -q . "$fresh"
    say "trial: make install"
    (cd "$fresh" && time make install >"$OUT/install.log" 2>&1)
    (cd "$fresh" && PORT=8123 setsid sh -c "echo \$\$ >'$OUT/run.pid'; exec make run" \
        >"$OUT/run.log" 2>&1 &)
    file=${FILE:-/tmp/issue18-synthetic-200000.csv}
    [ -s "$file" ] || nice -n 5 $PY bench/synthetic.py --source "$HOMES/real" \
        --documents 200000 --out "$file" 2>&1 | tail -1
    tries=0
    until curl -fs -o /dev/null http://127.0.0.1:8123/; do
        tries=$((tries + 1)) && [ $tries -lt 600 ] || { echo "make run did not serve"; exit 1; }
        sleep 1
    done
    say "trial: chancery import csv (200,000 documents)"
    (cd "$fresh" && /usr/bin/time -f '%e s wall, %U s user, %S s system' \
        .venv/bin/chancery import csv "$file" 2>&1 | grep -v 'note:' | tail -3)
    say "trial: GET /search/?q=WORD, broad words, each the first time, then again"
    for q in government treaty minister legation commerce claims government treaty; do
        curl -s -o /dev/null -w "$q: %{http_code} %{time_total} s %{size_download} bytes\n" \
            "http://127.0.0.1:8123/search/?q=$q"
    done
    kill -TERM -- "-$(cat "$OUT/run.pid")"  # make run's own process group (setsid)
}

[ $# -gt 0 ] || set -- search load workers
for step in "$@"; do
    $step 2>&1 | tee -a "$OUT/$step.txt"
done
echo "figures in $OUT"
