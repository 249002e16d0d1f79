#!/usr/bin/env bash
# Builds the Java reference harness (test/java) and regenerates test/fixtures/java/*.json by running
# every scenario through Apache Kafka Streams' TopologyTestDriver.
#   scripts/java-ref.sh                 # all scenarios
#   scripts/java-ref.sh join window     # only scenarios whose name contains "join" or "window"
# Needs JDK 17+ and Maven. The first run downloads dependencies into ~/.m2; later runs work offline
# (set JAVA_REF_OFFLINE=1 to force `mvn -o`, or it is tried automatically when the network fails).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
POM="$ROOT/test/java/pom.xml"
OUT="$ROOT/test/fixtures/java"

LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
# mvn output is shown only when the build fails
build() { mvn -B -q -Dstyle.color=never "$@" -f "$POM" package -DskipTests >"$LOG" 2>&1 || { cat "$LOG" >&2; return 1; }; }
if [[ "${JAVA_REF_OFFLINE:-0}" == "1" ]]; then
  build -o
else
  build -o 2>/dev/null || { echo "offline build failed; retrying online" >&2; build; }
fi

CP="$ROOT/test/java/target/classes:$(cat "$ROOT/test/java/target/classpath.txt")"
mkdir -p "$OUT"
if [[ $# -eq 0 ]]; then
  # full regeneration: drop stale fixtures first so removed scenarios disappear
  find "$OUT" -maxdepth 1 -name '*.json' -delete
fi
java -cp "$CP" tributary.ref.Main "$OUT" "$@"
