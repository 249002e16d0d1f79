#!/usr/bin/env bash
# Installs kcat (Debian's package), the non-Tributary Kafka client the Kafka tests verify outputs with.
set -euo pipefail
command -v kcat >/dev/null && exit 0
if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq kcat
else sudo apt-get update -qq && sudo apt-get install -y -qq kcat; fi
