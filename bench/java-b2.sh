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
bash "$ROOT/scripts/kafka/fetch-jars.sh" >/dev/null
JARS="${TRIBUTARY_KAFKA_JARS:-$HOME/.cache/tributary/kafka-jars}"
CPFILE="$(mktemp)"
(mvn -q -B -o -f "$ROOT/test/java/pom.xml" dependency:build-classpath -Dmdep.outputFile="$CPFILE" >/dev/null 2>&1 ||
  mvn -q -B -f "$ROOT/test/java/pom.xml" dependency:build-classpath -Dmdep.outputFile="$CPFILE" >/dev/null)
CP="$(cat "$CPFILE")"
DIR="$(mktemp -d)"
PORT="${B2_JAVA_PORT:-19092}"
CPORT=$((PORT + 1))
cat > "$DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:$CPORT
listeners=PLAINTEXT://localhost:$PORT,CONTROLLER://localhost:$CPORT
advertised.listeners=PLAINTEXT://localhost:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DIR/logs
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.ms=-1
PROPS
java -cp "$JARS/*" kafka.tools.StorageTool format -t "$(java -cp "$JARS/*" kafka.tools.StorageTool random-uuid)" -c "$DIR/server.properties" >/dev/null
java -Xmx1g -cp "$JARS/*" kafka.Kafka "$DIR/server.properties" >"$DIR/broker.log" 2>&1 &
BROKER=$!
trap 'kill $BROKER 2>/dev/null; wait $BROKER 2>/dev/null; rm -rf "$DIR" "$CPFILE"' EXIT
for _ in $(seq 1 120); do (exec 3<>/dev/tcp/localhost/$PORT) 2>/dev/null && break; sleep 0.5; done
BS="localhost:$PORT"
APP="java -Xmx1g -cp $CP $ROOT/bench/java/BenchCount.java"
for dist in uniform zipf; do
  if [[ ",$VARIANTS," == *"-$dist,"* ]]; then $APP fill "$BS" "b2-$dist" "$N" 1000000 "$dist"; fi
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
