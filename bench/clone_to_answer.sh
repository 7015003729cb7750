#!/usr/bin/env bash
# Issue 17: `git clone` -> `make run` -> first answered search, as a newcomer sees it, then on to
# hybrid and learned in the background. Clones REPO (default: this repository; only committed
# work), runs `make run` in it (setup, ingest, keyword stage, serve; vectors + learn behind) and
# prints one JSON object with the time of each milestone, counted from the clone:
#   setup_s        `make setup` done (.venv + torch CPU build + pip install -e .[test])
#   first_answer_s the first GET /api/v1/search over the full corpus answered (keyword mode)
#   hybrid_s       health ready.vectors (the background build published its generation)
#   learned_s      health ready.learned (the background `fagui learn` finished and was loaded)
# plus the stage lines from the server's log. Searches go on every second throughout and any
# non-200 answer is counted in `failed`. Run it on an otherwise idle machine (~25 min on 2 cores):
#     bench/clone_to_answer.sh [REPO] [PORT]        KEEP=1 keeps the clone;  STOP=first stops early
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO="${1:-$HERE}"
PORT="${2:-8766}"
DATA="${FAGUI_DATA_DIR:-$(cd "$HERE/../shared/data" && pwd)}"
WORK="$(mktemp -d /tmp/fagui-clone-XXXXXX)"
RUN_PID=""

cleanup() {
  if [ -n "$RUN_PID" ]; then pkill -TERM -P "$RUN_PID" 2>/dev/null; kill "$RUN_PID" 2>/dev/null; wait "$RUN_PID" 2>/dev/null; fi
  pkill -f "$WORK/fagui/.venv/bin/python -m ui.service.background" 2>/dev/null
  if [ "${KEEP:-0}" = 1 ]; then echo "clone kept in $WORK/fagui" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

unset FAGUI_HOME FAGUI_STORE FAGUI_INDEX_DIR FAGUI_DATABASE_URL
export FAGUI_DATA_DIR="$DATA" FAGUI_CONFIG_DIR="$WORK/config" FAGUI_RATE_LIMIT=""

t0=$(now)
git clone -q "$REPO" "$WORK/fagui" && cd "$WORK/fagui" || exit 1
commit="$(git rev-parse --short HEAD)"
make run PORT="$PORT" >"$WORK/run.log" 2>&1 &
RUN_PID=$!

url="http://127.0.0.1:$PORT/api/v1"
q="q=%E5%85%A5%E8%81%8C%E5%8D%8A%E5%B9%B4%E5%85%AC%E5%8F%B8%E4%B8%8D%E7%AD%BE%E5%90%88%E5%90%8C%E6%80%8E%E4%B9%88%E5%8A%9E&k=5"  # 入职半年公司不签合同怎么办
setup="" first="" hybrid="" learned="" failed=0 answered=0 modes=""
while true; do
  kill -0 "$RUN_PID" 2>/dev/null || { echo "make run exited:" >&2; tail -20 "$WORK/run.log" >&2; exit 1; }
  [ -z "$setup" ] && [ -e .venv/.fagui-installed ] && setup=$(now)
  code=$(curl -s -m 10 -o "$WORK/last.json" -w '%{http_code}' "$url/search?$q" 2>/dev/null)
  if [ "$code" = 200 ]; then
    answered=$((answered + 1))
    [ -z "$first" ] && first=$(now)
    mode=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["mode"])' "$WORK/last.json")
    case " $modes " in *" $mode "*) ;; *) modes="$modes $mode" ;; esac
    ready=$(curl -s -m 10 "$url/health")
    [ -z "$hybrid" ] && echo "$ready" | grep -q '"vectors":true' && hybrid=$(now)
    [ -z "$learned" ] && echo "$ready" | grep -q '"learned":true' && learned=$(now)
    [ "${STOP:-}" = first ] && break
    [ -n "$learned" ] && break
  elif [ -n "$first" ]; then
    failed=$((failed + 1)); echo "search answered $code after the first answer" >&2
  fi
  sleep 1
done

s() { [ -n "$1" ] && secs "$t0" "$1" || echo null; }
printf '{"commit": "%s", "setup_s": %s, "first_answer_s": %s, "hybrid_s": %s, "learned_s": %s, "searches": %d, "failed": %d, "modes": "%s"}\n' \
  "$commit" "$(s "$setup")" "$(s "$first")" "$(s "$hybrid")" "$(s "$learned")" "$answered" "$failed" "${modes# }"
grep -E "文档|documents|关键词|后台|keyword|serving|Uvicorn running" "$WORK/run.log" | head -20
