#!/bin/bash
# Issue 17: seconds from an empty FAGUI_HOME to the first answered search over the full corpus
# (`fagui serve` ingests, builds the keyword stage, serves; the full build goes on in the
# background and is stopped with the server here). Run from the repo after `make setup`:
#   bash bench/first_answer.sh [/tmp/fresh-home] [port]
set -u
home="${1:-/tmp/fagui-first-answer}"
port="${2:-8777}"
rm -rf "$home" && mkdir -p "$home"
start=$(date +%s.%N)
FAGUI_HOME="$home" FAGUI_RATE_LIMIT="" .venv/bin/fagui serve --port "$port" > "$home/serve.out" 2> "$home/serve.err" &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
until curl -s -m 5 "http://127.0.0.1:$port/api/v1/search?q=%E5%8A%B3%E5%8A%A8%E5%90%88%E5%90%8C%E6%B3%95%E7%AC%AC82%E6%9D%A1&k=1" \
        | grep -q '"mode"'; do
  kill -0 $pid 2>/dev/null || { echo "server exited:"; tail -5 "$home/serve.err"; exit 1; }
  sleep 1
done
echo "first answer after $(echo "$(date +%s.%N) - $start" | bc) s"
grep -E "documents|后台" "$home/serve.err"
curl -s "http://127.0.0.1:$port/api/v1/health"; echo
