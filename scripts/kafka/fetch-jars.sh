#!/usr/bin/env bash
# Fetches org.apache.kafka:kafka_2.13:4.4.0 and its runtime dependencies from Maven Central into
# a cache dir (default ~/.cache/tributary/kafka-jars), for Kafka's DumpLogSegments tool.
# Idempotent: does nothing when the jars are already there. Needs java and mvn on PATH.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dest="${TRIBUTARY_KAFKA_JARS:-$HOME/.cache/tributary/kafka-jars}"
if [ -f "$dest/.complete" ] && ls "$dest"/kafka_2.13-4.4.0.jar "$dest"/kafka-tools-4.4.0.jar >/dev/null 2>&1; then
  echo "kafka jars already in $dest"
  exit 0
fi
command -v mvn >/dev/null || { echo "mvn not found: install Maven (and a JDK >= 17)" >&2; exit 1; }
mkdir -p "$dest"
mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$dest"
touch "$dest/.complete"
echo "kafka jars in $dest"
