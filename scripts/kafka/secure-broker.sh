#!/usr/bin/env bash
# A secured single-node KRaft Apache Kafka 4.4.0 broker for the security tests (test/kafka/security.test.ts).
#   secure-broker.sh start DIR   makes a self-signed CA and a broker certificate (openssl, PKCS12), formats DIR/logs
#                                with the SCRAM users, starts the broker (broker.sh's launch, via `broker.sh restart`)
#                                and prints DIR/secure.json: the listeners' addresses, the CA file and the users.
#   secure-broker.sh stop DIR    stops it (broker.sh stop).
# Listeners, all on localhost:
#   PLAINTEXT       the admin: its principal (User:ANONYMOUS, also the controller's) is a super user
#   SSL             TLS, server certificate only (CN=localhost, SAN localhost/127.0.0.1), signed by DIR/tls/ca.pem
#   SASL_PLAINTEXT  PLAIN, SCRAM-SHA-256, SCRAM-SHA-512
#   SASL_SSL        the same mechanisms over TLS
# Users (the same password for every mechanism): alice/alice-secret, bob/bob-secret. SCRAM credentials are written
# at format time (StorageTool --add-scram), PLAIN ones are in the listeners' JAAS config. ACLs are on
# (StandardAuthorizer, no ACL = denied): the tests grant alice and bob what they need with CreateAcls.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=props.sh
. "$here/props.sh"
cmd="${1:-}"
dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: secure-broker.sh start|stop DIR" >&2; exit 2; }
jars="${TRIBUTARY_KAFKA_JARS:-$HOME/.cache/tributary/kafka-jars}"
free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# A CA and a broker key pair signed by it (openssl: one process each, where keytool starts a JVM per step); the
# broker's keystore is PKCS12, the CA is PEM for the clients. No truststore: the broker asks no client certificate.
make_certs() {
  local t="$dir/tls"
  rm -rf "$t" && mkdir -p "$t"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Tributary test CA" -keyout "$t/ca.key" -out "$t/ca.pem" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$t/broker.key" -out "$t/broker.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' > "$t/broker.ext"
  openssl x509 -req -in "$t/broker.csr" -CA "$t/ca.pem" -CAkey "$t/ca.key" -CAcreateserial -days 2 -extfile "$t/broker.ext" \
    -out "$t/broker.pem" 2>/dev/null
  openssl pkcs12 -export -in "$t/broker.pem" -inkey "$t/broker.key" -certfile "$t/ca.pem" -name broker \
    -passout pass:tributary-test -out "$t/broker.p12"
}

case "$cmd" in
start)
  bash "$here/fetch-jars.sh" >/dev/null
  mkdir -p "$dir"
  ports=()
  while [ "${#ports[@]}" -lt 5 ]; do
    p="$(free_port)"
    [[ " ${ports[*]:-} " == *" $p "* ]] || ports+=("$p")
  done
  plain="${ports[0]}" ssl="${ports[1]}" sasl="${ports[2]}" saslssl="${ports[3]}" cport="${ports[4]}"
  make_certs
  jaas_plain='org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-secret" user_bob="bob-secret";'
  jaas_scram='org.apache.kafka.common.security.scram.ScramLoginModule required;'
  # broker.sh's launch reads the PLAINTEXT port from the first entry of `listeners`: keep it first
  cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:$cport
listeners=PLAINTEXT://localhost:$plain,SSL://localhost:$ssl,SASL_PLAINTEXT://localhost:$sasl,SASL_SSL://localhost:$saslssl,CONTROLLER://localhost:$cport
advertised.listeners=PLAINTEXT://localhost:$plain,SSL://localhost:$ssl,SASL_PLAINTEXT://localhost:$sasl,SASL_SSL://localhost:$saslssl
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:ANONYMOUS;User:admin
ssl.keystore.type=PKCS12
ssl.keystore.location=$dir/tls/broker.p12
ssl.keystore.password=tributary-test
ssl.key.password=tributary-test
ssl.client.auth=none
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_plaintext.plain.sasl.jaas.config=$jaas_plain
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=$jaas_scram
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=$jaas_scram
listener.name.sasl_ssl.plain.sasl.jaas.config=$jaas_plain
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=$jaas_scram
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=$jaas_scram
log.dirs=$dir/logs
PROPS
  single_node_props >> "$dir/server.properties"
  uuid="$(java -cp "$jars/*" kafka.tools.StorageTool random-uuid)"
  scram=()
  for u in alice bob; do
    for m in SCRAM-SHA-256 SCRAM-SHA-512; do scram+=(--add-scram "$m=[name=\"$u\",password=\"$u-secret\"]"); done
  done
  rm -rf "$dir/logs"
  java -cp "$jars/*" kafka.tools.StorageTool format -t "$uuid" -c "$dir/server.properties" "${scram[@]}" >"$dir/format.log" 2>&1 ||
    { cat "$dir/format.log" >&2; exit 1; }
  # broker.sh restart = stop (nothing runs yet) + launch: starts the broker and waits for its PLAINTEXT port
  bash "$here/broker.sh" restart "$dir" >/dev/null
  # the other listeners open with the first; wait for each all the same
  for p in "$ssl" "$sasl" "$saslssl"; do
    for _ in $(seq 1 60); do (exec 3<>"/dev/tcp/localhost/$p") 2>/dev/null && break; sleep 0.5; done
  done
  cat > "$dir/secure.json" <<JSON
{"plaintext":"localhost:$plain","ssl":"localhost:$ssl","saslPlaintext":"localhost:$sasl","saslSsl":"localhost:$saslssl",
 "caFile":"$dir/tls/ca.pem","users":{"alice":"alice-secret","bob":"bob-secret"}}
JSON
  cat "$dir/secure.json"
  ;;
stop)
  bash "$here/broker.sh" stop "$dir"
  ;;
*)
  echo "usage: secure-broker.sh start|stop DIR" >&2; exit 2 ;;
esac
