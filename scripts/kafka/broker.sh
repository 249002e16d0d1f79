#!/usr/bin/env bash
# A single-node KRaft Apache Kafka 4.4.0 broker (jars from Maven Central, see fetch-jars.sh) for tests and benchmarks.
#   broker.sh start DIR [PORT]   formats DIR/logs, starts the broker in the background, waits until it answers, and
#                                prints its bootstrap address (also in DIR/bootstrap). PORT: a free one when absent.
#   broker.sh stop DIR           stops the broker started in DIR (its pid in DIR/broker.pid) and waits for it.
#   broker.sh restart DIR        stops it and starts it again on the same port and data (a broker restart).
# Group and transaction timeouts are lowered for tests (KAFKA_TEST_TIMEOUTS=0 keeps the broker's defaults).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=props.sh
. "$here/props.sh"
cmd="${1:-}"
dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: broker.sh start|stop|restart DIR [PORT]" >&2; exit 2; }
jars="${TRIBUTARY_KAFKA_JARS:-$HOME/.cache/tributary/kafka-jars}"

# Starts the broker of DIR (formatted, DIR/server.properties) in the background and waits until its port answers.
launch() {
  local port
  port="$(sed -n 's/^listeners=PLAINTEXT:\/\/localhost:\([0-9]*\),.*/\1/p' "$dir/server.properties")"
  # setsid: the broker outlives this script and is stopped by its pid, never by name
  setsid java -Xmx${KAFKA_HEAP:-768m} -Xss1m -cp "$jars/*" kafka.Kafka "$dir/server.properties" >>"$dir/broker.log" 2>&1 < /dev/null &
  echo $! > "$dir/broker.pid"
  for _ in $(seq 1 240); do
    if (exec 3<>"/dev/tcp/localhost/$port") 2>/dev/null; then
      echo "localhost:$port" > "$dir/bootstrap"
      echo "localhost:$port"
      return 0
    fi
    kill -0 "$(cat "$dir/broker.pid")" 2>/dev/null || { echo "the broker exited; its log:" >&2; tail -40 "$dir/broker.log" >&2; return 1; }
    sleep 0.5
  done
  echo "the broker did not start within 120 s; its log: $dir/broker.log" >&2
  kill "$(cat "$dir/broker.pid")" 2>/dev/null || true
  return 1
}

stop() {
  [ -f "$dir/broker.pid" ] || return 0
  local pid
  pid="$(cat "$dir/broker.pid")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$dir/broker.pid"
}

free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

case "$cmd" in
start)
  bash "$here/fetch-jars.sh" >/dev/null
  mkdir -p "$dir"
  port="${3:-$(free_port)}"
  cport="$(free_port)"
  while [ "$cport" = "$port" ]; do cport="$(free_port)"; done
  cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:$cport
listeners=PLAINTEXT://localhost:$port,CONTROLLER://localhost:$cport
advertised.listeners=PLAINTEXT://localhost:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/logs
PROPS
  single_node_props >> "$dir/server.properties"
  uuid="$(java -cp "$jars/*" kafka.tools.StorageTool random-uuid)"
  java -cp "$jars/*" kafka.tools.StorageTool format -t "$uuid" -c "$dir/server.properties" >"$dir/format.log" 2>&1 ||
    { cat "$dir/format.log" >&2; exit 1; }
  launch
  ;;
restart)
  stop
  launch
  ;;
stop)
  stop
  ;;
*)
  echo "usage: broker.sh start|stop|restart DIR [PORT]" >&2; exit 2 ;;
esac
