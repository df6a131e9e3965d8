#!/bin/bash
# The benchmark session of docs/benchmarks.md. Run from the repository root:
#   bench/rawtcp/session.sh
# Results (JSON reports of flexboard loadtest and rawtcp) go to /tmp/fbbench.
set -e
D=$(cd "$(dirname "$0")" && pwd)
B=/tmp/fbbench
mkdir -p $B
go build -o bin/flexboard ./cmd/flexboard
go build -o $B/rawtcp ./bench/rawtcp
ulimit -n 65536 2>/dev/null || echo "ulimit -n stays $(ulimit -n)"

serve() { # a fresh server on a fresh database
  rm -f /tmp/lt.db /tmp/lt.db-wal /tmp/lt.db-shm
  bin/flexboard serve --addr 127.0.0.1:18181 --db /tmp/lt.db --max-displays 20000 --demo=false --log-level warn > $B/server.log 2>&1 &
  SERVER=$!
  sleep 2
  BOARD=$(curl -s -XPOST -H 'Content-Type: application/json' --data @$D/board20.json http://127.0.0.1:18181/api/v1/boards | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  LT="bin/flexboard loadtest --url http://127.0.0.1:18181 --board $BOARD"
  echo "server $SERVER board $BOARD"
}
trap 'kill $SERVER 2>/dev/null' EXIT
# step NAME OUT CMD...: run a measured step on a quiet machine and record the
# machine's total CPU use during it (server + loader + anything else).
step() {
  local name=$1 out=$2; shift 2
  $D/busy.py wait
  $D/busy.py mark $B/mark
  "$@" > $out
  echo "$name machine_busy_cores $($D/busy.py since $B/mark)" | tee -a $B/machine.txt
}
: > $B/machine.txt

# Session A: fan-out with data.
serve
# An hour of history for 10 series, so time-series widgets carry full windows.
python3 - > $B/prefill.influx <<'PY'
import time, random
now = int(time.time())
for t in range(now - 3540, now):
    for s in range(10):
        print(f"loadtest_value,series={s} value={random.random()*100:.3f} {t}")
PY
bin/flexboard push --url http://127.0.0.1:18181 --format influx --precision s < $B/prefill.influx
step fan1 $B/fan1.json $LT --displays 1 --duration 60s --ingest-rate 1000 --json          # fixed cost
step fan1000 $B/fan1000.json $LT --displays 1000 --duration 60s --ingest-rate 1000 --json
step fan10000 $B/fan10000.json $LT --displays 10000 --duration 60s --ingest-rate 1000 --json
# Raw TCP floor with the same frame, captured while data flows.
$LT --displays 1 --duration 6s --ingest-rate 1000 > /dev/null & LTPID=$!
sleep 2
$B/rawtcp --url http://127.0.0.1:18181 --board $BOARD --save $B/frame.json
wait $LTPID
step raw1000 $B/raw1000.json $B/rawtcp --conns 1000 --rate 1 --duration 60s --frame $B/frame.json --json
step raw10000 $B/raw10000.json $B/rawtcp --conns 10000 --rate 1 --duration 60s --frame $B/frame.json --json
kill $SERVER; wait $SERVER || true

# Session B: idle memory, no data at all; 150 s so that the runtime's
# two-minute forced GC falls in the window.
serve
step idle10000 $B/idle10000.json $LT --displays 10000 --duration 150s --ingest-rate 0 --json
SIZE=$(python3 -c "import json; print(json.load(open('$B/idle10000.json'))['frames']['avg_update_bytes'])")
step rawidle10000 $B/rawidle10000.json $B/rawtcp --conns 10000 --rate 1 --duration 60s --size $SIZE --json
echo done
