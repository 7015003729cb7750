#!/usr/bin/env bash
# Fresh clone -> first answered search (issue 6): what `make run` does on a new machine, timed
# step by step. Clones REPO (default: this repository; only committed work is cloned) into a
# temporary folder, then times
#   1. `make setup`        (.venv, torch==2.13.0 CPU build, `pip install -e .[test]`)
#   2. `fagui prepare`     (ingest, index build, learn; the clone's own var/, nothing reused)
#   3. `fagui serve` start -> the first GET /api/v1/search answered with results
# and prints one JSON object with the three steps and the total. Takes ~30 min on 2 cores;
# run it on an otherwise idle machine. The shared data is read from FAGUI_DATA_DIR (default:
# ../shared/data beside this repository), never copied.
#
#     bench/fresh_clone.sh [REPO] [PORT]        KEEP=1 keeps the clone (path printed)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO="${1:-$HERE}"
PORT="${2:-8765}"
DATA="${FAGUI_DATA_DIR:-$(cd "$HERE/../shared/data" && pwd)}"
WORK="$(mktemp -d /tmp/fagui-clone-XXXXXX)"
SERVER_PID=""

cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ "${KEEP:-0}" = 1 ]; then echo "clone kept in $WORK/fagui" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# Nothing from this shell's fagui settings leaks in: the clone uses its own var/ and config.
unset FAGUI_HOME FAGUI_STORE FAGUI_INDEX_DIR FAGUI_RATE_LIMIT
export FAGUI_DATA_DIR="$DATA" FAGUI_CONFIG_DIR="$WORK/config"

git clone -q "$REPO" "$WORK/fagui"
cd "$WORK/fagui"
commit="$(git rev-parse --short HEAD)"

t0=$(now)
make setup >"$WORK/setup.log" 2>&1 || { tail -20 "$WORK/setup.log" >&2; exit 1; }
t1=$(now)
.venv/bin/fagui prepare >"$WORK/prepare.log" 2>&1 || { tail -20 "$WORK/prepare.log" >&2; exit 1; }
t2=$(now)
.venv/bin/fagui serve --host 127.0.0.1 --port "$PORT" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
url="http://127.0.0.1:$PORT/api/v1/search?q=%E5%8A%B3%E5%8A%A8%E5%90%88%E5%90%8C%E6%B3%95%E7%AC%AC82%E6%9D%A1&k=5"
until curl -sf "$url" 2>/dev/null | grep -q '"article_id"'; do  # q = 劳动合同法第82条
  kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$WORK/serve.log" >&2; exit 1; }
  sleep 0.2
done
t3=$(now)

printf '{"commit": "%s", "make_setup_s": %s, "fagui_prepare_s": %s, "serve_to_first_answer_s": %s, "total_s": %s}\n' \
  "$commit" "$(secs "$t0" "$t1")" "$(secs "$t1" "$t2")" "$(secs "$t2" "$t3")" "$(secs "$t0" "$t3")"
