package tributary.ref;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

final class AggregationScenarios {
    private AggregationScenarios() {}

    static final Produced<String, Long> LONG_OUT = Produced.with(Serdes.String(), Serdes.Long());
    static final Scenario.Kind S = Scenario.Kind.STRING;
    static final Scenario.Kind L = Scenario.Kind.LONG;

    static Materialized<String, Long, KeyValueStore<Bytes, byte[]>> longStore(String name) {
        return Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as(name).withKeySerde(Serdes.String()).withValueSerde(Serdes.Long());
    }

    static Materialized<String, String, KeyValueStore<Bytes, byte[]>> strStore(String name) {
        return Materialized.as(name);
    }

    static Scenario streamInputs(Scenario s) {
        return s
            .p("a", "1", 10)
            .p("b", "2", 11)
            .p("a", "3", 12)
            .p(null, "4", 13)   // null key: dropped by groupByKey aggregation
            .p("a", null, 14)   // null value: dropped
            .p("b", "5", 5)     // out-of-order timestamp
            .p("c", "6", 15)
            .p("a", "7", 16)
            .p("a", "7", 17);   // same value again
    }

    /** Values "G:n": group G, number n. */
    static Scenario tableGroupInputs(Scenario s) {
        return s
            .p("a", "x:1", 10)   // a -> group x
            .p("b", "x:2", 11)   // b -> group x
            .p("c", "y:3", 12)   // c -> group y
            .p("a", "y:4", 13)   // a moves x -> y
            .p("a", "y:5", 14)   // a stays in y, value changes (KIP-904 same-key path)
            .p("a", "y:5", 15)   // identical update
            .p("b", null, 16)    // delete b (subtract from x)
            .p("b", null, 17)    // delete absent key
            .p("c", "x:6", 9)    // c moves y -> x with an older timestamp
            .p(null, "z:1", 18)  // null key: dropped by table source
            .p("d", "z:7", 19)
            .p("d", "x:8", 20)
            .p("a", null, 21);
    }

    static List<Scenario> all() {
        List<Scenario> l = new ArrayList<>();
        String strNote = " Values are decimal numbers as Strings; default serdes String.";
        l.add(streamInputs(Scenario.of("stream-groupbykey-count")
            .desc("builder.stream(\"input\").groupByKey().count(Materialized.as(\"counts\")).toStream().to(\"output\", Produced.with(Serdes.String(), Serdes.Long()));" + strNote)
            .dsl(b -> b.<String, String>stream("input").groupByKey().count(longStore("counts")).toStream().to("output", LONG_OUT))
            .in("input").out("output", S, L).kv("counts").bothCaching()));
        l.add(streamInputs(Scenario.of("stream-groupbykey-reduce")
            .desc("builder.stream(\"input\").groupByKey().reduce((agg, v) -> agg + \",\" + v, Materialized.as(\"reduced\")).toStream().to(\"output\");" + strNote)
            .dsl(b -> b.<String, String>stream("input").groupByKey().reduce((agg, v) -> agg + "," + v, strStore("reduced")).toStream().to("output"))
            .in("input").out("output").kv("reduced").bothCaching()));
        l.add(streamInputs(Scenario.of("stream-groupbykey-aggregate")
            .desc("builder.stream(\"input\").groupByKey().aggregate(() -> 0L, (k, v, agg) -> agg + Long.parseLong(v), "
                + "Materialized.as(\"agg\").withKeySerde(Serdes.String()).withValueSerde(Serdes.Long())).toStream().to(\"output\", Produced.with(Serdes.String(), Serdes.Long()));" + strNote)
            .dsl(b -> b.<String, String>stream("input").groupByKey()
                .aggregate(() -> 0L, (k, v, agg) -> agg + Long.parseLong(v), longStore("agg")).toStream().to("output", LONG_OUT))
            .in("input").out("output", S, L).kv("agg").bothCaching()));
        l.add(streamInputs(Scenario.of("stream-groupby-count")
            .desc("builder.stream(\"input\").groupBy((k, v) -> v == null ? null : \"g\" + (Long.parseLong(v) % 2)).count(Materialized.as(\"counts\"))"
                + ".toStream().to(\"output\", Produced.with(Serdes.String(), Serdes.Long())); (repartition topic named after the store: see topology)" + strNote)
            .dsl(b -> b.<String, String>stream("input").groupBy((k, v) -> v == null ? null : "g" + (Long.parseLong(v) % 2))
                .count(longStore("counts")).toStream().to("output", LONG_OUT))
            .in("input").out("output", S, L).kv("counts").bothCaching()));
        l.add(streamInputs(Scenario.of("stream-groupby-reduce-named")
            .desc("builder.stream(\"input\").groupBy((k, v) -> \"all\", Grouped.as(\"all-group\")).reduce((agg, v) -> agg + \",\" + v, Materialized.as(\"reduced\"))"
                + ".toStream().to(\"output\");" + strNote)
            .dsl(b -> b.<String, String>stream("input").groupBy((k, v) -> "all", Grouped.as("all-group"))
                .reduce((agg, v) -> agg + "," + v, strStore("reduced")).toStream().to("output"))
            .in("input").out("output").kv("reduced").bothCaching()));

        String tg = "KGroupedTable g = builder.table(\"input\").groupBy((k, v) -> KeyValue.pair(v.split(\":\")[0], v.split(\":\")[1]), Grouped.with(Serdes.String(), Serdes.String())); ";
        String tgNote = " Input values are \"G:n\" (group G, number n); default serdes String.";
        l.add(tableGroupInputs(Scenario.of("table-groupby-count")
            .desc(tg + "g.count(Materialized.as(\"counts\")).toStream().to(\"output\", Produced.with(Serdes.String(), Serdes.Long()));" + tgNote)
            .dsl(b -> tableGroup(b).count(longStore("counts")).toStream().to("output", LONG_OUT))
            .in("input").out("output", S, L).kv("counts").bothCaching()));
        l.add(tableGroupInputs(Scenario.of("table-groupby-reduce")
            .desc(tg + "g.reduce((agg, v) -> String.valueOf(Long.parseLong(agg) + Long.parseLong(v)), "
                + "(agg, v) -> String.valueOf(Long.parseLong(agg) - Long.parseLong(v)), Materialized.as(\"reduced\")).toStream().to(\"output\");" + tgNote)
            .dsl(b -> tableGroup(b).reduce(
                    (agg, v) -> String.valueOf(Long.parseLong(agg) + Long.parseLong(v)),
                    (agg, v) -> String.valueOf(Long.parseLong(agg) - Long.parseLong(v)), strStore("reduced"))
                .toStream().to("output"))
            .in("input").out("output").kv("reduced").bothCaching()));
        l.add(tableGroupInputs(Scenario.of("table-groupby-aggregate")
            .desc(tg + "g.aggregate(() -> 0L, (k, v, agg) -> agg + Long.parseLong(v), (k, v, agg) -> agg - Long.parseLong(v), "
                + "Materialized.as(\"agg\").withKeySerde(Serdes.String()).withValueSerde(Serdes.Long())).toStream().to(\"output\", Produced.with(Serdes.String(), Serdes.Long()));" + tgNote)
            .dsl(b -> tableGroup(b).aggregate(() -> 0L,
                    (k, v, agg) -> agg + Long.parseLong(v), (k, v, agg) -> agg - Long.parseLong(v), longStore("agg"))
                .toStream().to("output", LONG_OUT))
            .in("input").out("output", S, L).kv("agg").bothCaching()));
        l.add(tableGroupInputs(Scenario.of("table-groupby-aggregate-string")
            .desc(tg + "g.aggregate(() -> \"\", (k, v, agg) -> agg + \"+\" + v, (k, v, agg) -> agg + \"-\" + v, Materialized.as(\"agg\"))"
                + ".toStream().to(\"output\"); (the string aggregate records the exact order of adder/subtractor calls)" + tgNote)
            .dsl(b -> tableGroup(b).aggregate(() -> "",
                    (k, v, agg) -> agg + "+" + v, (k, v, agg) -> agg + "-" + v, strStore("agg"))
                .toStream().to("output"))
            .in("input").out("output").kv("agg").bothCaching()));
        // Small record caches: evictions (and the records forwarded on eviction) follow Kafka's entry size estimate,
        // and all stores of the thread share one budget (ThreadCache), evicting from the cache being written.
        l.add(Inputs.random(Scenario.of("cache-small-count")
            .desc("statestore.cache.max.bytes=150: builder.stream(\"input\").groupByKey().count(Materialized.as(\"counts\")).toStream().to(\"output\", Produced.with(Serdes.String(), Serdes.Long()));")
            .prop(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 150L)
            .dsl(b -> b.<String, String>stream("input").groupByKey().count(longStore("counts")).toStream().to("output", LONG_OUT))
            .in("input").out("output", S, L).kv("counts"), 901, 60, List.of("input")));
        l.add(Inputs.random(Scenario.of("cache-small-shared-two-stores")
            .desc("statestore.cache.max.bytes=300, two aggregations of one grouped stream: g = builder.stream(\"input\").groupByKey(); "
                + "g.count(Materialized.as(\"counts\")).toStream().to(\"output\", Produced.with(Serdes.String(), Serdes.Long())); "
                + "g.reduce((agg, v) -> agg + \",\" + v, Materialized.as(\"reduced\")).toStream().to(\"output2\");")
            .prop(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 300L)
            .dsl(b -> {
                KGroupedStream<String, String> g = b.<String, String>stream("input").groupByKey();
                g.count(longStore("counts")).toStream().to("output", LONG_OUT);
                g.reduce((agg, v) -> agg + "," + v, strStore("reduced")).toStream().to("output2");
            })
            .in("input").out("output", S, L).out("output2").kv("counts").kv("reduced"), 902, 80, List.of("input")));
        return l;
    }

    static KGroupedTable<String, String> tableGroup(org.apache.kafka.streams.StreamsBuilder b) {
        return b.<String, String>table("input").groupBy((k, v) -> KeyValue.pair(v.split(":")[0], v.split(":")[1]),
            Grouped.with(Serdes.String(), Serdes.String()));
    }
}
