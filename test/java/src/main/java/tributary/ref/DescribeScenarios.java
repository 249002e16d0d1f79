package tributary.ref;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.StreamJoined;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** Topologies whose fixture pins only topology.describe(): Kafka's generated node, store and topic names. */
final class DescribeScenarios {
    private DescribeScenarios() {}

    static final Produced<String, Long> LONG_OUT = Produced.with(Serdes.String(), Serdes.Long());

    static Scenario d(String name, String desc, java.util.function.Consumer<org.apache.kafka.streams.StreamsBuilder> dsl) {
        return Scenario.of(name).desc(desc + " All serdes String (defaults) unless given.").dsl(dsl).describeOnly();
    }

    static List<Scenario> all() {
        List<Scenario> l = new ArrayList<>();
        l.add(d("describe-groupby-count",
            "builder.stream(\"input\").groupBy((k, v) -> v).count().toStream().to(\"output\", Produced.with(Serdes.String(), Serdes.Long()));",
            b -> b.<String, String>stream("input").groupBy((k, v) -> v).count().toStream().to("output", LONG_OUT)));
        l.add(d("describe-groupby-count-named",
            "builder.stream(\"input\").groupBy((k, v) -> v, Grouped.as(\"by-value\")).count(Named.as(\"count-op\"), Materialized.as(\"counts\"))"
                + ".toStream(Named.as(\"to-stream\")).to(\"output\", Produced.<String, Long>as(\"sink\").withValueSerde(Serdes.Long()));",
            b -> b.<String, String>stream("input").groupBy((k, v) -> v, Grouped.as("by-value"))
                .count(Named.as("count-op"), Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as("counts"))
                .toStream(Named.as("to-stream")).to("output", Produced.<String, Long>as("sink").withValueSerde(Serdes.Long()))));
        l.add(d("describe-groupby-count-materialized-only",
            "builder.stream(\"input\").groupBy((k, v) -> v).count(Materialized.as(\"counts\")).toStream().to(\"output\", Produced.with(Serdes.String(), Serdes.Long()));",
            b -> b.<String, String>stream("input").groupBy((k, v) -> v)
                .count(Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as("counts")).toStream().to("output", LONG_OUT)));
        l.add(d("describe-selectkey-groupbykey-count",
            "builder.stream(\"input\").selectKey((k, v) -> v).groupByKey().count().toStream().to(\"output\", Produced.with(Serdes.String(), Serdes.Long()));",
            b -> b.<String, String>stream("input").selectKey((k, v) -> v).groupByKey().count().toStream().to("output", LONG_OUT)));
        l.add(d("describe-groupbykey-count",
            "builder.stream(\"input\").groupByKey().count().toStream().to(\"output\", Produced.with(Serdes.String(), Serdes.Long()));",
            b -> b.<String, String>stream("input").groupByKey().count().toStream().to("output", LONG_OUT)));
        l.add(d("describe-stream-totable",
            "builder.stream(\"input\").toTable().toStream().to(\"output\");",
            b -> b.<String, String>stream("input").toTable().toStream().to("output")));
        l.add(d("describe-stream-totable-named",
            "builder.stream(\"input\").toTable(Named.as(\"to-table\"), Materialized.as(\"table-store\")).toStream().to(\"output\");",
            b -> b.<String, String>stream("input").toTable(Named.as("to-table"), Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("table-store"))
                .toStream().to("output")));
        l.add(d("describe-table-source",
            "builder.table(\"input\").toStream().to(\"output\");",
            b -> b.<String, String>table("input").toStream().to("output")));
        l.add(d("describe-table-filter-tostream",
            "builder.table(\"input\").filter((k, v) -> v.length() > 1).toStream().to(\"output\");",
            b -> b.<String, String>table("input").filter((k, v) -> v.length() > 1).toStream().to("output")));
        l.add(d("describe-table-groupby-aggregate",
            "builder.table(\"input\").groupBy((k, v) -> KeyValue.pair(v, v)).aggregate(() -> 0L, (k, v, agg) -> agg + 1, (k, v, agg) -> agg - 1, "
                + "Materialized.with(Serdes.String(), Serdes.Long())).toStream().to(\"output\", Produced.with(Serdes.String(), Serdes.Long()));",
            b -> b.<String, String>table("input").groupBy((k, v) -> KeyValue.pair(v, v))
                .aggregate(() -> 0L, (k, v, agg) -> agg + 1, (k, v, agg) -> agg - 1,
                    Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>with(Serdes.String(), Serdes.Long()))
                .toStream().to("output", LONG_OUT)));
        l.add(d("describe-windowed-count",
            "builder.stream(\"input\").groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5))).count()"
                + ".toStream().to(\"output\", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 10), Serdes.Long()));",
            b -> b.<String, String>stream("input").groupByKey()
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5))).count()
                .toStream().to("output", Produced.with(org.apache.kafka.streams.kstream.WindowedSerdes.timeWindowedSerdeFrom(String.class, 10), Serdes.Long()))));
        l.add(d("describe-stream-stream-join",
            "KStream left = builder.stream(\"left\"); KStream right = builder.stream(\"right\"); "
                + "left.join(right, (a, b) -> a + \"+\" + b, JoinWindows.ofTimeDifferenceWithNoGrace(Duration.ofMillis(10))).to(\"output\");",
            b -> {
                KStream<String, String> left = b.stream("left");
                KStream<String, String> right = b.stream("right");
                left.join(right, (x, y) -> x + "+" + y, JoinWindows.ofTimeDifferenceWithNoGrace(Duration.ofMillis(10))).to("output");
            }));
        l.add(d("describe-stream-stream-outerjoin-named",
            "KStream left = builder.stream(\"left\"); KStream right = builder.stream(\"right\"); "
                + "left.outerJoin(right, (a, b) -> a + \"+\" + b, JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(5)), "
                + "StreamJoined.<String, String, String>as(\"my-join\").withName(\"my-join-op\")).to(\"output\");",
            b -> {
                KStream<String, String> left = b.stream("left");
                KStream<String, String> right = b.stream("right");
                left.outerJoin(right, (x, y) -> x + "+" + y,
                    JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(5)),
                    StreamJoined.<String, String, String>as("my-join").withName("my-join-op")).to("output");
            }));
        l.add(d("describe-stream-table-join-repartition",
            "KTable table = builder.table(\"table\"); builder.stream(\"input\").selectKey((k, v) -> v).join(table, (a, b) -> a + \"+\" + b).to(\"output\");",
            b -> {
                KTable<String, String> table = b.table("table");
                b.<String, String>stream("input").selectKey((k, v) -> v).join(table, (x, y) -> x + "+" + y).to("output");
            }));
        l.add(d("describe-stream-globaltable-join",
            "GlobalKTable g = builder.globalTable(\"global\"); builder.stream(\"input\").join(g, (k, v) -> v, (a, b) -> a + \"+\" + b).to(\"output\");",
            b -> {
                org.apache.kafka.streams.kstream.GlobalKTable<String, String> g = b.globalTable("global");
                b.<String, String>stream("input").join(g, (k, v) -> v, (x, y) -> x + "+" + y).to("output");
            }));
        l.add(d("describe-fk-join",
            "KTable left = builder.table(\"left\"); KTable right = builder.table(\"right\"); "
                + "left.join(right, v -> v.split(\":\")[0], (a, b) -> a + \"+\" + b).toStream().to(\"output\");",
            b -> {
                KTable<String, String> left = b.table("left");
                KTable<String, String> right = b.table("right");
                left.join(right, v -> v.split(":")[0], (x, y) -> x + "+" + y).toStream().to("output");
            }));
        l.add(d("describe-table-table-join",
            "KTable left = builder.table(\"left\"); KTable right = builder.table(\"right\"); left.join(right, (a, b) -> a + \"+\" + b).toStream().to(\"output\");",
            b -> {
                KTable<String, String> left = b.table("left");
                KTable<String, String> right = b.table("right");
                left.join(right, (x, y) -> x + "+" + y).toStream().to("output");
            }));
        l.add(d("describe-cogroup",
            "KGroupedStream g1 = builder.stream(\"in1\").groupByKey(); KGroupedStream g2 = builder.stream(\"in2\").groupByKey(); "
                + "g1.cogroup((k, v, agg) -> agg + \"|1:\" + v).cogroup(g2, (k, v, agg) -> agg + \"|2:\" + v).aggregate(() -> \"\")"
                + ".toStream().to(\"output\");",
            b -> {
                KGroupedStream<String, String> g1 = b.<String, String>stream("in1").groupByKey();
                KGroupedStream<String, String> g2 = b.<String, String>stream("in2").groupByKey();
                g1.<String>cogroup((k, v, agg) -> agg + "|1:" + v).cogroup(g2, (k, v, agg) -> agg + "|2:" + v)
                    .aggregate(() -> "").toStream().to("output");
            }));
        l.add(d("describe-suppress",
            "builder.stream(\"input\").groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(0))).count()"
                + ".suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded())).toStream()"
                + ".to(\"output\", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 10), Serdes.Long()));",
            b -> b.<String, String>stream("input").groupByKey()
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(0))).count()
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded())).toStream()
                .to("output", Produced.with(org.apache.kafka.streams.kstream.WindowedSerdes.timeWindowedSerdeFrom(String.class, 10), Serdes.Long()))));
        l.add(d("describe-suppress-named",
            "builder.stream(\"input\").groupByKey().count().suppress(Suppressed.untilTimeLimit(Duration.ofMillis(10), "
                + "Suppressed.BufferConfig.maxRecords(2).emitEarlyWhenFull()).withName(\"my-suppress\")).toStream()"
                + ".to(\"output\", Produced.with(Serdes.String(), Serdes.Long()));",
            b -> b.<String, String>stream("input").groupByKey().count()
                .suppress(Suppressed.<String>untilTimeLimit(Duration.ofMillis(10), Suppressed.BufferConfig.maxRecords(2).emitEarlyWhenFull()).withName("my-suppress"))
                .toStream().to("output", LONG_OUT)));
        l.add(d("describe-repartition",
            "builder.stream(\"input\").repartition().to(\"output\");",
            b -> b.<String, String>stream("input").repartition().to("output")));
        l.add(d("describe-repartition-named",
            "builder.stream(\"input\").repartition(Repartitioned.as(\"my-repartition\")).to(\"output\");",
            b -> b.<String, String>stream("input").repartition(Repartitioned.as("my-repartition")).to("output")));
        l.add(d("describe-merge-repartition-groupby",
            "KStream a = builder.stream(\"in1\"); KStream b = builder.stream(\"in2\"); a.merge(b).map((k, v) -> KeyValue.pair(v, k))"
                + ".groupByKey().count().toStream().to(\"output\", Produced.with(Serdes.String(), Serdes.Long()));",
            b -> {
                KStream<String, String> a = b.stream("in1");
                KStream<String, String> c = b.stream("in2");
                a.merge(c).map((k, v) -> KeyValue.pair(v, k)).groupByKey().count().toStream().to("output", LONG_OUT);
            }));
        // process() with a state store: also runnable (see ProcessScenario in runnable list below)
        l.add(processStateStore());
        return l;
    }

    static Scenario processStateStore() {
        return Scenario.of("process-state-store")
            .desc("StoreBuilder sb = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(\"proc-store\"), Serdes.String(), Serdes.Long()); "
                + "builder.addStateStore(sb); builder.stream(\"input\").process(() -> new Processor<String,String,String,String>() { "
                + "init: store = context.getStateStore(\"proc-store\"); "
                + "process(record): if (record.key() == null) return; Long c = store.get(record.key()); long n = (c == null ? 0 : c) + 1; store.put(record.key(), n); "
                + "context.forward(record.withValue(record.value() + \"#\" + n)); }, \"proc-store\").to(\"output\"); "
                + "Forwarded records keep the input timestamp. All serdes String (defaults).")
            .dsl(b -> {
                StoreBuilder<KeyValueStore<String, Long>> sb =
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("proc-store"), Serdes.String(), Serdes.Long());
                b.addStateStore(sb);
                b.<String, String>stream("input").process(() -> new Processor<String, String, String, String>() {
                    private ProcessorContext<String, String> ctx;
                    private KeyValueStore<String, Long> store;

                    @Override
                    public void init(ProcessorContext<String, String> context) {
                        ctx = context;
                        store = context.getStateStore("proc-store");
                    }

                    @Override
                    public void process(Record<String, String> record) {
                        if (record.key() == null) return;
                        Long c = store.get(record.key());
                        long n = (c == null ? 0 : c) + 1;
                        store.put(record.key(), n);
                        ctx.forward(record.withValue(record.value() + "#" + n));
                    }
                }, "proc-store").to("output");
            })
            .in("input").out("output").kv("proc-store")
            .p("a", "x", 1).p("b", "y", 2).p("a", "z", 3).p(null, "n", 4).p("a", null, 0);
    }
}
