#!/usr/bin/env bash
# Runs the Java interchange tool (test/java/src/main/java/tributary/interchange/Interchange.java: Apache Kafka's
# producer, read_committed consumer and a Kafka Streams 4.4 app) against a broker, for test/kafka/interchange.test.ts.
#   scripts/java-interchange.sh produce|consume|streams|committed ARGS...   (see Interchange.java)
# The classpath comes from test/java/pom.xml (Maven, offline first: the first run downloads into ~/.m2); the one
# source file is compiled with javac into test/java/target/interchange-classes when it changed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
POM="$ROOT/test/java/pom.xml"
TARGET="$ROOT/test/java/target"
SRC="$ROOT/test/java/src/main/java/tributary/interchange/Interchange.java"
CPFILE="$TARGET/interchange-classpath.txt"
CLASSES="$TARGET/interchange-classes"
mkdir -p "$TARGET"
if [[ ! -s "$CPFILE" || "$POM" -nt "$CPFILE" ]]; then
  LOG="$(mktemp)"
  resolve() { mvn -B -q -Dstyle.color=never "$@" -f "$POM" dependency:build-classpath -Dmdep.outputFile="$CPFILE" >"$LOG" 2>&1; }
  resolve -o || resolve || { cat "$LOG" >&2; rm -f "$LOG"; echo "java-interchange: Maven could not resolve $POM's dependencies" >&2; exit 1; }
  rm -f "$LOG"
fi
CP="$(cat "$CPFILE")"
if [[ ! -f "$CLASSES/tributary/interchange/Interchange.class" || "$SRC" -nt "$CLASSES/tributary/interchange/Interchange.class" || "$CPFILE" -nt "$CLASSES/tributary/interchange/Interchange.class" ]]; then
  rm -rf "$CLASSES"
  javac -nowarn -d "$CLASSES" -cp "$CP" "$SRC"
fi
exec java -Xmx256m -XX:TieredStopAtLevel=1 -cp "$CLASSES:$CP" tributary.interchange.Interchange "$@"
