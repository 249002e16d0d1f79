# Broker properties shared by broker.sh and secure-broker.sh (sourced): a single node's internal topics, and the
# group and transaction timeouts lowered for tests (KAFKA_TEST_TIMEOUTS=0 keeps the broker's defaults).
single_node_props() {
  cat <<PROPS
offsets.topic.replication.factor=1
offsets.topic.num.partitions=${KAFKA_OFFSETS_PARTITIONS:-3}
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=${KAFKA_TXN_PARTITIONS:-3}
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.ms=-1
PROPS
  [ "${KAFKA_TEST_TIMEOUTS:-1}" = 1 ] || return 0
  cat <<PROPS
group.min.session.timeout.ms=500
group.consumer.min.session.timeout.ms=500
group.streams.min.session.timeout.ms=500
group.streams.min.heartbeat.interval.ms=100
group.streams.heartbeat.interval.ms=500
group.streams.initial.rebalance.delay.ms=0
group.streams.assignment.interval.ms=100
transaction.abort.timed.out.transaction.cleanup.interval.ms=2000
transaction.remove.expired.transaction.cleanup.interval.ms=5000
log.cleaner.backoff.ms=1000
PROPS
}
