#!/usr/bin/env bash
# B2 on Java Kafka Streams 4.4 (RocksDB) against a local single-node KRaft broker on this machine: the figure
# beside which Tributary's B2 must be >= 1.0x. Same workload as bench/count.ts: 4 partitions, keys user-N
# uniform(1M) or zipf(1M, 0.99), 100-byte values, groupByKey().count(), cache 10 MiB or 0, at_least_once.
#   bash bench/java-b2.sh            # B2_RECORDS (1M), B2_RUNS (3), B2_VARIANTS (cache-uniform,cache-zipf,nocache-uniform)
# Needs java 17+ and mvn (jars from Maven Central: scripts/kafka/fetch-jars.sh, test/java/pom.xml).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${B2_RECORDS:-1000000}"
RUNS="${B2_RUNS:-3}"
VARIANTS="${B2_VARIANTS:-cache-uniform,cache-zipf,nocache-uniform}"
source "$ROOT/bench/java/broker.sh"
APP="java -Xmx1g -cp $CP $ROOT/bench/java/Bench.java"
for dist in uniform zipf; do
  if [[ ",$VARIANTS," == *"-$dist,"* ]]; then $APP count-fill "$BS" "b2-$dist" "$N" 1000000 "$dist"; fi
done
echo "B2 Java: broker and topics ready ($N records per topic)"
for v in ${VARIANTS//,/ }; do
  cache=10485760; [[ "$v" == nocache-* ]] && cache=0
  dist="${v#*-}"
  for i in $(seq 1 "$RUNS"); do
    out="$($APP count "$BS" "b2-$dist" "$N" "b2-java-$v-$i" "$cache" 1 2>>"$DIR/app.log" | tail -1)"
    echo "  java $v run $i: $out"
  done
done
