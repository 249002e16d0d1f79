# Sourced by bench/java-b*.sh: starts a single-node KRaft broker (kafka_2.13 4.4.0, jars from Maven Central) in a
# temp dir and sets BS (bootstrap), CP (Kafka Streams classpath, with Jackson), DIR; stops and cleans up on exit.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$ROOT/scripts/kafka/fetch-jars.sh" >/dev/null
JARS="${TRIBUTARY_KAFKA_JARS:-$HOME/.cache/tributary/kafka-jars}"
CPFILE="$(mktemp)"
(mvn -q -B -o -f "$ROOT/test/java/pom.xml" dependency:build-classpath -Dmdep.outputFile="$CPFILE" >/dev/null 2>&1 ||
  mvn -q -B -f "$ROOT/test/java/pom.xml" dependency:build-classpath -Dmdep.outputFile="$CPFILE" >/dev/null)
CP="$(cat "$CPFILE"):$(ls "$JARS"/jackson-*.jar | tr '\n' ':')"
DIR="$(mktemp -d)"
PORT="${JAVA_BENCH_PORT:-19092}"
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
