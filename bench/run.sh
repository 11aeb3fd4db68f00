#!/usr/bin/env bash
# bench/run.sh - MedSite's benchmarks, end to end; writes bench/RESULTS.md. See bench/README.md.
#
#   bash bench/run.sh                        # everything, about 15-20 min on 2 cores
#   BENCH_QUICK=1 bash bench/run.sh          # smoke run: 1,000 pages, short load rounds
#   BENCH_STEPS="load memory report" bash bench/run.sh   # re-run parts on the existing data
#
# Steps (BENCH_STEPS, in this order): data figures public load memory admin search postgres import
# refimport approve mixed hostile lighthouse cluster report. Each writes $OUT/<step>.json (or a folder) and report.py reads what is there.
# Sizes: BENCH_CONDITIONS BENCH_VERSIONS BENCH_IMPORT_FILES BENCH_SEARCH_QUERIES
# BENCH_ADMIN_REQUESTS BENCH_APPROVE_RUNS BENCH_MEM_WARMUP BENCH_MEM_REQUESTS; load rounds:
# RUNS DURATION CONNS (passed to the shared harness); NO_NGINX (default 1: nginx not needed).
# Every server started here is stopped by PID on exit; traffic goes to 127.0.0.1 only.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
SHARED=${SHARED:-$(cd "$ROOT/../shared" && pwd)}
OUT=${BENCH_OUT:-$HERE/out}
WORK=$OUT/work
PY=$ROOT/.venv/bin/python
GUNICORN=$ROOT/.venv/bin/gunicorn
STEPS=${BENCH_STEPS:-data figures public load memory admin search postgres import refimport approve mixed hostile lighthouse cluster report}

if [ -n "${BENCH_QUICK:-}" ]; then
  : "${BENCH_CONDITIONS:=1000}" "${BENCH_VERSIONS:=10000}" "${BENCH_IMPORT_FILES:=200}"
  : "${BENCH_SEARCH_QUERIES:=100}" "${BENCH_ADMIN_REQUESTS:=10}" "${BENCH_APPROVE_RUNS:=3}"
  : "${BENCH_MEM_WARMUP:=2000}" "${BENCH_MEM_REQUESTS:=20000}" "${RUNS:=1}" "${DURATION:=5}"
  : "${BENCH_HOSTILE_SECONDS:=10}" "${BENCH_MIXED_ROUNDS:=4}" "${BENCH_MIXED_SECONDS:=8}"
fi
CONDITIONS=${BENCH_CONDITIONS:-10000} VERSIONS=${BENCH_VERSIONS:-100000}
IMPORT_FILES=${BENCH_IMPORT_FILES:-1000} SEARCH_QUERIES=${BENCH_SEARCH_QUERIES:-200}
ADMIN_REQUESTS=${BENCH_ADMIN_REQUESTS:-20} APPROVE_RUNS=${BENCH_APPROVE_RUNS:-7}
MEM_WARMUP=${BENCH_MEM_WARMUP:-10000} MEM_REQUESTS=${BENCH_MEM_REQUESTS:-100000}
HOSTILE_SECONDS=${BENCH_HOSTILE_SECONDS:-20}
export RUNS=${RUNS:-3} DURATION=${DURATION:-10} CONNS=${CONNS:-8} NO_NGINX=${NO_NGINX:-1}

step() { echo "== $(date -u +%H:%M:%S) $*" >&2; }
has_step() { [[ " $STEPS " == *" $1 "* ]]; }
mkdir -p "$OUT" "$WORK"

# --- production settings, as the issue asks: debug off, plain HTTP on loopback -----------------
STATIC_TMP=$(mktemp -d)
export DJANGO_DEBUG=0 DJANGO_SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=127.0.0.1 \
  SECRET_KEY="bench-$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 60)" \
  DATABASE_URL="sqlite:///$WORK/bench.sqlite3" DJANGO_STATIC_ROOT=$STATIC_TMP LOG_LEVEL=WARNING \
  MEDSITE_MEDIA_ROOT="$WORK/media" \
  EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend PYTHONDONTWRITEBYTECODE=1
# Workflow email is still composed (its cost counts), but kept in memory instead of printed.
# The access log line is still formatted, as in production, but not kept (the harness's own
# targets log nothing either).
export GUNICORN_ACCESS_LOG=/dev/null
BENCH_DB_URL=$DATABASE_URL

# --- process bookkeeping: everything started here is stopped by PID on exit ----------------------
PIDS=()
PGBIN="" PGTMP=""
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ -n "$PGTMP" ]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PGTMP"
  fi
  rm -rf "$STATIC_TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
GUNI_PID=""
start_medsite() {  # start_medsite LOGNAME: gunicorn, 2 sync workers, max_requests off; sets PORT
  PORT=$(free_port)
  # Run from the project so its gunicorn.conf.py (if any) applies; the flags below override the
  # worker settings the targets are defined with. No load balancer to drain for: it stops at once.
  (cd "$ROOT" && GUNICORN_DRAIN_SECONDS=0 exec "$GUNICORN" --workers 2 --worker-class sync --threads 1 \
    --max-requests 0 --max-requests-jitter 0 --bind "127.0.0.1:$PORT" --log-level warning \
    medsite.wsgi:application) > "$OUT/$1.log" 2>&1 &
  GUNI_PID=$!
  PIDS+=("$GUNI_PID")
  for _ in $(seq 150); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/conditions/carcinoid-syndrome/" || true)" = 200 ] \
      && return 0
    sleep 0.2
  done
  echo "MedSite did not answer 200 on port $PORT; see $OUT/$1.log" >&2
  return 1
}
stop_medsite() {
  kill -TERM "$GUNI_PID" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$GUNI_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$GUNI_PID" 2>/dev/null || true
}
manage() { (cd "$ROOT" && "$PY" manage.py "$@"); }
measure() { (cd "$ROOT" && "$PY" -m bench.measure "$@"); }
seconds_since() { python3 -c "import time, sys; print(round(time.time() - float(sys.argv[1]), 1))" "$1"; }

# --- tools -----------------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
  step "apt-get install wrk"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
[ -x "$PY" ] || make -C "$ROOT" setup
(cd "$ROOT" && "$PY" bench/report.py --machine "$OUT/machine.json")

# Static files first: a page rendered in-process (the seed's approval, the figures and public
# steps) names them through the production manifest.
if has_step data || has_step figures || has_step public || has_step load || has_step memory || has_step admin || has_step mixed || has_step hostile || has_step lighthouse; then
  manage collectstatic --noinput -v0
fi

# --- 1. data: the 10,000-page set, the seed page imported and published -----------------------
if has_step data; then
  step "data: $CONDITIONS conditions, $VERSIONS versions -> $WORK/bench.sqlite3"
  rm -f "$WORK"/bench.sqlite3* "$OUT/figures.json"
  rm -rf "$WORK/media"
  manage migrate --noinput -v0
  manage bench_data --conditions "$CONDITIONS" --versions "$VERSIONS" --summary-json "$OUT/data.json"
  manage import_condition "$SHARED"/seeds/000_*.txt "$SHARED"/seeds/001_*.txt
  measure publish-seed "$OUT/seed.json" >/dev/null
fi
if ! has_step data; then
  # Re-measuring the data of an earlier run: bring its schema up to date (new indexes, say).
  manage migrate --noinput -v0
fi

# --- 1b. figures: three library images on the seed page, and its twin without them (bench/figures.py)
if has_step figures; then
  step "figures: three images on the seed page, and a copy of it without them"
  (cd "$ROOT" && "$PY" -m bench.figures "$OUT/figures.json") > "$OUT/figures.log" 2>&1 \
    || { tail -20 "$OUT/figures.log" >&2; exit 1; }
fi

# --- 2. public page: SQL queries per view, in-process and the suite's test -------------------------
if has_step public; then
  step "public: queries per page view"
  measure public "$OUT/public.json" carcinoid-syndrome >/dev/null
  started=$(date +%s.%N)
  # The suite's own settings (its test database), not the benchmark's production ones.
  if (cd "$ROOT" && env -u DJANGO_DEBUG -u DATABASE_URL -u ALLOWED_HOSTS -u SECRET_KEY -u DJANGO_STATIC_ROOT \
      -u DJANGO_SECURE_SSL_REDIRECT -u EMAIL_BACKEND -u LOG_LEVEL "$PY" -m pytest -q -p no:cacheprovider tests/conditions/public/test_views.py \
      -k "at_most_two_queries or does_not_grow_with_sections" > "$OUT/query_test.log" 2>&1); then
    passed=true; else passed=false; fi
  printf '{"passed": %s, "tests": "tests/conditions/public/test_views.py -k \\"at_most_two_queries or does_not_grow_with_sections\\"", "seconds": %s}\n' \
    "$passed" "$(seconds_since "$started")" > "$OUT/query_test.json"
fi

# --- 3. load: MedSite in the same interleaved wrk rounds as the shared Wagtail anchor -------------
if has_step load; then
  step "load: MedSite under gunicorn + the shared harness ($RUNS x ${DURATION}s rounds)"
  start_medsite gunicorn_load
  curl -s "http://127.0.0.1:$PORT/conditions/carcinoid-syndrome/" > "$OUT/ours_page.html"
  rm -rf "$OUT/load"
  EXTRA="ours=http://127.0.0.1:$PORT/conditions/carcinoid-syndrome/"
  # With the figures step's pages: the same page without its three figures, in the same rounds.
  if [ -f "$OUT/figures.json" ]; then
    EXTRA="$EXTRA ours_text=http://127.0.0.1:$PORT/conditions/carcinoid-syndrome-without-figures/"
  fi
  WORKDIR=$WORK/wagtail EXTRA_TARGETS="$EXTRA" \
    bash "$SHARED/bench/wagtail_anchor.sh" > "$OUT/wagtail_anchor.md" 2> "$OUT/wagtail_anchor.log" \
    || { tail -20 "$OUT/wagtail_anchor.log" >&2; exit 1; }
  cp -r "$WORK/wagtail/out/load" "$OUT/load"
  cp "$WORK/wagtail/out/inprocess.json" "$OUT/load/wagtail_inprocess.json" 2>/dev/null || true
  stop_medsite
fi

# --- 4. memory: a worker's RSS after 10k warm-up and after 100k more requests -------------------
if has_step memory; then
  step "memory: $MEM_WARMUP + $MEM_REQUESTS requests over the real-rendered pages (90% to 200 of them)"
  start_medsite gunicorn_memory
  "$PY" -c 'import json, sys
data = json.load(open(sys.argv[1]))
for slug in data["checked_slugs"] + ["carcinoid-syndrome"]:
    print(f"/conditions/{slug}/")' "$OUT/data.json" > "$WORK/paths.txt"
  "$PY" "$HERE/memory.py" --master "$GUNI_PID" --base "http://127.0.0.1:$PORT" --paths "$WORK/paths.txt" \
    --warmup "$MEM_WARMUP" --requests "$MEM_REQUESTS" --out "$OUT/memory.json" >/dev/null
  stop_medsite
fi

# --- 5-6. admin screens and search, in-process on the same data ----------------------------------
if has_step admin; then
  step "admin: $ADMIN_REQUESTS requests per screen"
  measure admin "$OUT/admin.json" --requests "$ADMIN_REQUESTS" >/dev/null
fi
if has_step search; then
  step "search (SQLite): $SEARCH_QUERIES queries"
  measure search "$OUT/search_sqlite.json" --queries "$SEARCH_QUERIES" >/dev/null
fi

# --- 7. search on PostgreSQL: a throwaway cluster on a Unix socket (../shared/POSTGRES-IN-CI.md) ---
if has_step postgres; then
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
  if [ -z "$PGBIN" ]; then
    step "apt-get install postgresql"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
  fi
  PGTMP=$(mktemp -d)
  chown postgres "$PGTMP"
  runuser -u postgres -- "$PGBIN/initdb" -D "$PGTMP/data" -A trust -U postgres >/dev/null
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -o "-k $PGTMP -c listen_addresses=''" \
    -l "$PGTMP/log" -w start >/dev/null
  runuser -u postgres -- "$PGBIN/createdb" -h "$PGTMP" medsite
  step "search (PostgreSQL): $CONDITIONS pages without history, then $SEARCH_QUERIES queries"
  started=$(date +%s.%N)
  DATABASE_URL="postgres://postgres@/medsite?host=$PGTMP" manage migrate --noinput -v0
  # No history (search reads none) and fewer pages checked against the real renderer: no page of
  # this set is opened, and the SQLite set was checked already.
  DATABASE_URL="postgres://postgres@/medsite?host=$PGTMP" manage bench_data --conditions "$CONDITIONS" \
    --versions 0 --check-every 100 --summary-json "$OUT/data_postgresql.json" > "$OUT/data_postgresql.log"
  DATABASE_URL="postgres://postgres@/medsite?host=$PGTMP" measure search "$OUT/search_postgresql.json" \
    --queries "$SEARCH_QUERIES" >/dev/null
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w stop >/dev/null
  rm -rf "$PGTMP"
  PGTMP=""
fi

# --- 8. bulk import: N generated files (seed-format text, one in four saved HTML) through import_condition
if has_step import; then
  step "import: $IMPORT_FILES generated files into an empty database"
  rm -rf "$WORK/import" "$WORK"/import.sqlite3*
  (cd "$ROOT" && "$PY" -m bench.importfiles "$WORK/import" --count "$IMPORT_FILES" >/dev/null)
  DATABASE_URL="sqlite:///$WORK/import.sqlite3" manage migrate --noinput -v0
  started=$(date +%s.%N)
  DATABASE_URL="sqlite:///$WORK/import.sqlite3" manage import_condition "$WORK"/import/*.txt "$WORK"/import/*.html > "$WORK/import.log"
  elapsed=$(seconds_since "$started")
  created=$(grep -c "(created," "$WORK/import.log" || true)
  printf '{"files": %s, "created": %s, "seconds": %s, "database": "empty SQLite (migrated)"}\n' \
    "$IMPORT_FILES" "$created" "$elapsed" > "$OUT/import.json"
fi

# --- 8b. reference import: a 20,000-entry BibTeX file (Zotero's shapes) through import_references
if has_step refimport; then
  REFIMPORT_ENTRIES=${BENCH_REFIMPORT_ENTRIES:-20000}
  step "refimport: $REFIMPORT_ENTRIES BibTeX entries into an empty database"
  rm -f "$WORK"/refimport.sqlite3*
  DATABASE_URL="sqlite:///$WORK/refimport.sqlite3" manage migrate --noinput -v0
  (cd "$ROOT" && DATABASE_URL="sqlite:///$WORK/refimport.sqlite3" "$PY" -m bench.refimport \
    "$WORK/refimport.bib" --count "$REFIMPORT_ENTRIES" --import "$OUT/refimport.json") >/dev/null
fi

# --- 9. approving a 30-section, 60-reference page ---------------------------------------------
if has_step approve; then
  step "approve: $APPROVE_RUNS runs"
  DATABASE_URL=$BENCH_DB_URL measure approve "$OUT/approve.json" --runs "$APPROVE_RUNS" >/dev/null
fi

# --- 9b. reads while pages are approved: read-only wrk rounds against rounds with one approval per 5 s
if has_step mixed; then
  MIXED_CONDITIONS=${BENCH_MIXED_CONDITIONS:-400} MIXED_ROUNDS=${BENCH_MIXED_ROUNDS:-6}
  MIXED_SECONDS=${BENCH_MIXED_SECONDS:-10}
  step "mixed: $MIXED_ROUNDS rounds of ${MIXED_SECONDS}s reads alone / with an approval every 5 s"
  # Its own small set (editors, reviewers, live pages); it starts and stops its own Redis and gunicorn.
  # BENCH_MIXED_DB=postgresql: on a throwaway PostgreSQL cluster (as the postgres step) instead of
  # SQLite, where Django keeps no connection between requests (CONN_MAX_AGE 0 in settings).
  if [ "${BENCH_MIXED_DB:-sqlite}" = postgresql ]; then
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
    PGTMP=$(mktemp -d)
    chown postgres "$PGTMP"
    runuser -u postgres -- "$PGBIN/initdb" -D "$PGTMP/data" -A trust -U postgres >/dev/null
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -o "-k $PGTMP -c listen_addresses=''" \
      -l "$PGTMP/log" -w start >/dev/null
    runuser -u postgres -- "$PGBIN/createdb" -h "$PGTMP" medsite
    MIXED_DB="postgres://postgres@/medsite?host=$PGTMP" MIXED_NAME=mixed_postgresql
  else
    rm -f "$WORK"/mixed.sqlite3*
    MIXED_DB="sqlite:///$WORK/mixed.sqlite3" MIXED_NAME=mixed
  fi
  DATABASE_URL=$MIXED_DB manage migrate --noinput -v0
  DATABASE_URL=$MIXED_DB manage bench_data --conditions "$MIXED_CONDITIONS" \
    --versions $((MIXED_CONDITIONS * 5)) > "$OUT/data_$MIXED_NAME.log"
  (cd "$ROOT" && DATABASE_URL=$MIXED_DB "$PY" -m bench.mixed "$OUT/$MIXED_NAME.json" \
    --rounds "$MIXED_ROUNDS" --seconds "$MIXED_SECONDS" --conns "$CONNS") > "$OUT/$MIXED_NAME.log" 2>&1 \
    || { tail -20 "$OUT/$MIXED_NAME.log" >&2; exit 1; }
  if [ -n "$PGTMP" ]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w stop >/dev/null
    rm -rf "$PGTMP"
    PGTMP=""
  fi
fi

# --- 10. hostile input: the bounded-work issue's inputs, then previews against the public page -------
if has_step hostile; then
  step "hostile: each listed input through its real path; the public page under 4 hostile previewers"
  rm -f "$WORK"/hostile.sqlite3*
  # Its own database (users and one published page); it starts and stops its own gunicorn.
  (cd "$ROOT" && DATABASE_URL="sqlite:///$WORK/hostile.sqlite3" "$PY" -m bench.hostile "$OUT/hostile.json" \
    --clients 4 --seconds "$HOSTILE_SECONDS") > "$OUT/hostile.log" 2>&1 || { tail -20 "$OUT/hostile.log" >&2; exit 1; }
fi

# --- 11. Lighthouse: the performance score of the seed page, served as production serves it ------
if has_step lighthouse; then
  step "lighthouse: the seed page, mobile with simulated throttling"
  # Debian's Chromium and the package.json-pinned Lighthouse, installed as `make test` installs them.
  CHROMIUM=${CHROME_PATH:-/usr/bin/chromium}
  make -C "$ROOT" --no-print-directory CHROMIUM="$CHROMIUM" "$CHROMIUM" node_modules/.installed >&2
  start_medsite gunicorn_lighthouse
  (cd "$ROOT" && "$PY" -m bench.lighthouse "http://127.0.0.1:$PORT/conditions/carcinoid-syndrome/" \
    "$OUT/lighthouse.json" --chromium "$CHROMIUM") >&2
  stop_medsite
fi

# --- 11b. cluster: PostgreSQL, Redis, two gunicorn servers and Varnish on loopback; stale reads after
# publish/rename/withdraw with Redis up, paused, stopped, hung and restored from a snapshot; a
# database outage; a rolling restart under load. Its own servers and database, stopped on exit.
if has_step cluster; then
  step "cluster: stale reads, Redis and PostgreSQL outages, rolling restart (bench/cluster.py)"
  (cd "$ROOT" && "$PY" -m bench.cluster "$OUT/cluster.json") > "$OUT/cluster.log" 2>&1 \
    || { tail -20 "$OUT/cluster.log" >&2; exit 1; }
fi

# --- 12. report --------------------------------------------------------------------------------
if has_step report; then
  step "report -> bench/RESULTS.md"
  (cd "$ROOT" && "$PY" bench/report.py "$OUT" --write "$HERE/RESULTS.md")
fi
