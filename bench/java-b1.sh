#!/usr/bin/env bash
# B1 on Java Kafka Streams 4.4 against a local single-node KRaft broker on this machine: the figure beside which
# Tributary's B1 must be >= 1.5x. Same workload as bench/stateless.ts: 4 partitions, keys user-N uniform(1M), JSON
# events of ~110 bytes, filter (~50% pass) -> mapValues -> to, at_least_once (Jackson for JSON).
#   bash bench/java-b1.sh            # B1_RECORDS (2M), B1_RUNS (3), B1_THREADS (1)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${B1_RECORDS:-2000000}"
RUNS="${B1_RUNS:-3}"
THREADS="${B1_THREADS:-1}"
source "$ROOT/bench/java/broker.sh"
APP="java -Xmx1g -cp $CP $ROOT/bench/java/Bench.java"
$APP json-fill "$BS" b1-in "$N"
echo "B1 Java: broker and topic ready ($N records)"
for i in $(seq 1 "$RUNS"); do
  out="$($APP stateless "$BS" b1-in "$N" "b1-java-$i" "$THREADS" 2>>"$DIR/app.log" | tail -1)"
  echo "  java run $i ($THREADS thread(s)): $out"
done
