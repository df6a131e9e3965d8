#!/bin/sh
# ab.sh runs ingestload against two server binaries alternately (A, B, A,
# B, ...), each started fresh on an empty database on 127.0.0.1, so that
# both see the same machine conditions (docs/benchmarks.md, Ingest).
#
#	bench/ingestload/ab.sh OLD_BINARY NEW_BINARY ROUNDS [ingestload flags...]
#
# It prints one RESULT line per run, prefixed with the binary's label and
# the 1-minute load average before and after.
set -eu
A=$1 B=$2 ROUNDS=$3
shift 3
LOADER=${LOADER:-/tmp/ingestload}
PORT=${PORT:-18282}
OUT=${OUT:-/tmp/ingest-ab}
mkdir -p "$OUT"
run() {
	label=$1 bin=$2 n=$3
	shift 3
	db=$(mktemp -d)/ab.db
	"$bin" serve --addr 127.0.0.1:$PORT --db "$db" --demo=false --max-points 200000000 >"$OUT/$label-$n.server.log" 2>&1 &
	pid=$!
	for _ in $(seq 50); do curl -sf http://127.0.0.1:$PORT/metrics >/dev/null && break; sleep 0.2; done
	l0=$(cut -d' ' -f1 /proc/loadavg)
	"$LOADER" --url http://127.0.0.1:$PORT "$@" >"$OUT/$label-$n.txt" 2>&1 || true
	l1=$(cut -d' ' -f1 /proc/loadavg)
	kill $pid; wait $pid 2>/dev/null || true
	rm -rf "$(dirname "$db")"
	echo "$label run=$n load=$l0->$l1 $(grep '^RESULT' "$OUT/$label-$n.txt")"
	grep 'slow requests' "$OUT/$label-$n.txt" || true
}
for i in $(seq "$ROUNDS"); do
	run A "$A" "$i" "$@"
	run B "$B" "$i" "$@"
done
