# Sourced by bench/java-b*.sh: starts a single-node KRaft broker (scripts/kafka/broker.sh: kafka_2.13 4.4.0, jars from
# Maven Central) in a temp dir and sets BS (bootstrap), CP (Kafka Streams classpath, with Jackson), DIR; stops and
# cleans up on exit. The broker keeps Kafka's default group and transaction timeouts (KAFKA_TEST_TIMEOUTS=0).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$ROOT/scripts/kafka/fetch-jars.sh" >/dev/null
JARS="${TRIBUTARY_KAFKA_JARS:-$HOME/.cache/tributary/kafka-jars}"
CPFILE="$(mktemp)"
(mvn -q -B -o -f "$ROOT/test/java/pom.xml" dependency:build-classpath -Dmdep.outputFile="$CPFILE" >/dev/null 2>&1 ||
  mvn -q -B -f "$ROOT/test/java/pom.xml" dependency:build-classpath -Dmdep.outputFile="$CPFILE" >/dev/null)
CP="$(cat "$CPFILE"):$(ls "$JARS"/jackson-*.jar | tr '\n' ':')"
DIR="$(mktemp -d)"
trap 'bash "$ROOT/scripts/kafka/broker.sh" stop "$DIR"; rm -rf "$DIR" "$CPFILE"' EXIT
BS="$(KAFKA_TEST_TIMEOUTS=0 KAFKA_HEAP=1g bash "$ROOT/scripts/kafka/broker.sh" start "$DIR" "${JAVA_BENCH_PORT:-19092}")"
