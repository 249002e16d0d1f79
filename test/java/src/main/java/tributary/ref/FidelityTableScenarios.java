package tributary.ref;

import static java.time.Duration.ofMillis;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.SlidingWindows;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.Suppressed.BufferConfig;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.ValueJoiner;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.WindowedSerdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.SessionStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Issue 10 parts 3, 5 and 6: KTable value getters and old values of materialized filters / mapValues, windowed
 * (time, sliding, session) tables and suppressed tables, in joins and under groupBy. Fixed reproductions plus
 * seeded random families (fidelity-wt-* for windowed/suppressed tables in joins, fidelity-mf-* for materialized
 * filters and mapValues under groupBy with deletes). The TypeScript side (test/reference/fidelity-tables.test.ts)
 * derives each topology from the scenario name: fidelity-wt-VARIANT-OP-sSEED / fidelity-mf-VARIANT-sSEED.
 */
final class FidelityTableScenarios {
    private FidelityTableScenarios() {}

    static final Scenario.Kind S = Scenario.Kind.STRING;
    static final Scenario.Kind L = Scenario.Kind.LONG;
    static final ValueJoiner<Object, Object, String> BAR = (x, y) -> x + "|" + y;
    static final String BAR_D = "(x, y) -> x + \"|\" + y";

    static Serde<Windowed<String>> tw(long size) { return WindowedSerdes.timeWindowedSerdeFrom(String.class, size); }
    static Serde<Windowed<String>> sw() { return WindowedSerdes.sessionWindowedSerdeFrom(String.class); }
    static Materialized<String, Long, WindowStore<Bytes, byte[]>> wl() {
        return Materialized.<String, Long, WindowStore<Bytes, byte[]>>with(Serdes.String(), Serdes.Long());
    }
    static Materialized<String, Long, SessionStore<Bytes, byte[]>> sl() {
        return Materialized.<String, Long, SessionStore<Bytes, byte[]>>with(Serdes.String(), Serdes.Long());
    }
    static Materialized<String, String, KeyValueStore<Bytes, byte[]>> mat(String name) {
        return Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as(name);
    }
    static Materialized<String, Long, KeyValueStore<Bytes, byte[]>> matL(String name) {
        return Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as(name).withKeySerde(Serdes.String()).withValueSerde(Serdes.Long());
    }

    static final String RANDOM_NOTE = "Seeded random input (java.util.Random(seed)), %d records, base time from %d, keys k0..k3, topics %s: base time advances "
        + "0..3 per record; 20%% go back 0..11 ms, 5%% go back 20..49 ms (clamped at 0); values: %s; %d%% of values are null (tombstones). seed=%d";

    /** Seeded input: digits (numeric) or topic letter + index; some null values. */
    static Scenario random(Scenario s, long seed, int n, List<String> topics, boolean numeric, int nullPct, long start) {
        Random r = new Random(seed);
        long base = start;
        for (int i = 0; i < n; i++) {
            base += r.nextInt(4);
            long ts = base;
            double p = r.nextDouble();
            if (p < 0.05) ts = base - 20 - r.nextInt(30);
            else if (p < 0.25) ts = base - r.nextInt(12);
            if (ts < 0) ts = 0;
            String key = "k" + r.nextInt(4);
            String topic = topics.get(r.nextInt(topics.size()));
            int digit = r.nextInt(10);
            boolean isNull = r.nextInt(100) < nullPct;
            String value = isNull ? null : numeric ? String.valueOf(digit) : topic.substring(0, 1).toUpperCase() + i;
            s.pipe(topic, key, value, ts);
        }
        return s.note(String.format(RANDOM_NOTE, n, start, topics, numeric ? "digits" : "topic letter + index", nullPct, seed));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static KTable op(String op, KTable l, KTable r) {
        switch (op) {
            case "join": return l.join(r, BAR);
            case "left": return l.leftJoin(r, BAR);
            default: return l.outerJoin(r, BAR);
        }
    }
    static String opD(String op) {
        return (op.equals("join") ? "join" : op.equals("left") ? "leftJoin" : "outerJoin") + "(right, " + BAR_D + ")";
    }

    // ------------------------------------------------------------ family a: windowed / suppressed tables in joins
    /** Builds variant v joined with op; returns the output kind of the key. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static void wt(StreamsBuilder b, String v, String op) {
        switch (v) {
            case "tumbling": {
                KTable l = b.<String, String>stream("a").groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(ofMillis(10), ofMillis(3))).count(wl());
                KTable r = b.<String, String>stream("b").groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(ofMillis(10), ofMillis(3))).count(wl());
                op(op, l, r).toStream().to("output", Produced.with(tw(10), Serdes.String()));
                break;
            }
            case "hopping": {
                KTable<Windowed<String>, Long> l = b.<String, String>stream("a").groupByKey()
                    .windowedBy(TimeWindows.ofSizeAndGrace(ofMillis(10), ofMillis(5)).advanceBy(ofMillis(5))).count(wl());
                KTable r = b.<String, String>stream("b").groupByKey()
                    .windowedBy(TimeWindows.ofSizeAndGrace(ofMillis(10), ofMillis(5)).advanceBy(ofMillis(5))).count(wl());
                op(op, l.mapValues(x -> x * 10), r).toStream().to("output", Produced.with(tw(10), Serdes.String()));
                break;
            }
            case "sliding": {
                KTable l = b.<String, String>stream("a").groupByKey().windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(ofMillis(10), ofMillis(5))).count(wl());
                KTable r = b.<String, String>stream("b").groupByKey().windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(ofMillis(10), ofMillis(5))).count(wl());
                op(op, l, r).toStream().to("output", Produced.with(tw(10), Serdes.String()));
                break;
            }
            case "session": {
                KTable l = b.<String, String>stream("a").groupByKey().windowedBy(SessionWindows.ofInactivityGapAndGrace(ofMillis(5), ofMillis(2))).count(sl());
                KTable r = b.<String, String>stream("b").groupByKey().windowedBy(SessionWindows.ofInactivityGapAndGrace(ofMillis(5), ofMillis(2))).count(sl());
                op(op, l, r).toStream().to("output", Produced.with(sw(), Serdes.String()));
                break;
            }
            case "wsuppress": {
                KTable l = b.<String, String>stream("a").groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(ofMillis(10), ofMillis(3))).count(wl())
                    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()));
                KTable r = b.<String, String>stream("b").groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(ofMillis(10), ofMillis(3))).count(wl());
                op(op, l, r).toStream().to("output", Produced.with(tw(10), Serdes.String()));
                break;
            }
            case "ssuppress": {
                KTable l = b.<String, String>stream("a").groupByKey().windowedBy(SessionWindows.ofInactivityGapAndGrace(ofMillis(5), ofMillis(2))).count(sl())
                    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()));
                KTable r = b.<String, String>stream("b").groupByKey().windowedBy(SessionWindows.ofInactivityGapAndGrace(ofMillis(5), ofMillis(2))).count(sl());
                op(op, r, l).toStream().to("output", Produced.with(sw(), Serdes.String()));
                break;
            }
            case "tsuppress": {
                KTable l = b.<String, String>table("a").suppress(Suppressed.untilTimeLimit(ofMillis(10), BufferConfig.unbounded()));
                KTable r = b.<String, String>table("b");
                op(op, l, r).toStream().to("output");
                break;
            }
            case "tsuppress2": {
                KTable l = b.<String, String>table("a");
                KTable r = b.<String, String>table("b").filter((k, x) -> !x.endsWith("0"))
                    .suppress(Suppressed.untilTimeLimit(ofMillis(5), BufferConfig.maxRecords(2).emitEarlyWhenFull()));
                op(op, l, r).toStream().to("output");
                break;
            }
            case "csuppress": {
                KTable l = b.<String, String>stream("a").groupByKey().count(matL("counts"))
                    .suppress(Suppressed.untilTimeLimit(ofMillis(10), BufferConfig.unbounded()));
                KTable r = b.<String, String>table("b");
                op(op, l, r).toStream().to("output");
                break;
            }
            case "stsuppress": {
                KTable<String, String> t = b.<String, String>table("b").suppress(Suppressed.untilTimeLimit(ofMillis(10), BufferConfig.unbounded()));
                if (op.equals("join")) b.<String, String>stream("a").join(t, (c, u) -> u + ":" + c).to("output");
                else b.<String, String>stream("a").leftJoin(t, (c, u) -> u + ":" + c).to("output");
                break;
            }
            case "tsuppressmap": {
                KTable l = b.<String, String>table("a").suppress(Suppressed.untilTimeLimit(ofMillis(10), BufferConfig.unbounded())).mapValues(x -> x + "!");
                KTable r = b.<String, String>table("b");
                op(op, l, r).toStream().to("output");
                break;
            }
            case "wsuppressmap": {
                KTable<Windowed<String>, Long> l = b.<String, String>stream("a").groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(ofMillis(10), ofMillis(3))).count(wl())
                    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()));
                KTable r = b.<String, String>stream("b").groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(ofMillis(10), ofMillis(3))).count(wl());
                op(op, l.mapValues(x -> x + 100), r).toStream().to("output", Produced.with(tw(10), Serdes.String()));
                break;
            }
            case "fksuppress": {
                KTable<String, String> l = b.<String, String>table("a");
                KTable<String, String> r = b.<String, String>table("b").suppress(Suppressed.untilTimeLimit(ofMillis(10), BufferConfig.unbounded()));
                java.util.function.Function<String, String> fk = x -> "k" + (Long.parseLong(x.substring(1)) % 4);
                (op.equals("join") ? l.join(r, fk, BAR::apply) : l.leftJoin(r, fk, BAR::apply)).toStream().to("output");
                break;
            }
            case "wclose": {
                KTable l = b.<String, String>stream("a").groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(ofMillis(10), ofMillis(3)))
                    .emitStrategy(EmitStrategy.onWindowClose()).count(wl());
                KTable r = b.<String, String>stream("b").groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(ofMillis(10), ofMillis(3))).count(wl());
                op(op, l, r).toStream().to("output", Produced.with(tw(10), Serdes.String()));
                break;
            }
            case "sessfilter": {
                KTable<Windowed<String>, Long> l = b.<String, String>stream("a").groupByKey().windowedBy(SessionWindows.ofInactivityGapAndGrace(ofMillis(5), ofMillis(2))).count(sl());
                KTable r = b.<String, String>stream("b").groupByKey().windowedBy(SessionWindows.ofInactivityGapAndGrace(ofMillis(5), ofMillis(2))).count(sl());
                op(op, r, l.filter((k, x) -> x > 1)).toStream().to("output", Produced.with(sw(), Serdes.String()));
                break;
            }
            default: throw new IllegalArgumentException(v);
        }
    }

    static final String[][] WT = {
        {"wclose", "outer"}, {"sessfilter", "left"},
        {"tsuppressmap", "left"}, {"wsuppressmap", "outer"}, {"fksuppress", "join"}, {"fksuppress", "left"},
        {"tumbling", "join"}, {"tumbling", "left"}, {"tumbling", "outer"},
        {"hopping", "left"}, {"sliding", "outer"},
        {"session", "join"}, {"session", "left"}, {"session", "outer"},
        {"wsuppress", "left"}, {"wsuppress", "outer"}, {"ssuppress", "outer"},
        {"tsuppress", "join"}, {"tsuppress", "left"}, {"tsuppress", "outer"}, {"tsuppress2", "outer"},
        {"csuppress", "left"}, {"stsuppress", "join"}, {"stsuppress", "left"},
    };
    static final String WT_DESC = "Family fidelity-wt: VARIANT joined by OP (join/leftJoin/outerJoin, joiner " + BAR_D + "), all serdes String unless noted. "
        + "tumbling: builder.stream(\"a\"/\"b\").groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(10 ms, 3 ms)).count(Materialized.with(String, Long)), joined, "
        + "toStream().to(\"output\", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 10), String)); "
        + "hopping: TimeWindows.ofSizeAndGrace(10, 5).advanceBy(5), left count .mapValues(x -> x * 10); sliding: SlidingWindows.ofTimeDifferenceAndGrace(10, 5); "
        + "session: SessionWindows.ofInactivityGapAndGrace(5, 2), output sessionWindowed; wsuppress: the tumbling left count .suppress(untilWindowCloses(unbounded())); "
        + "ssuppress: right session count suppressed untilWindowCloses, joined as rightCount.OP(suppressedLeftCount); "
        + "tsuppress: builder.table(\"a\").suppress(untilTimeLimit(10 ms, unbounded())).OP(builder.table(\"b\")); "
        + "tsuppress2: builder.table(\"a\").OP(builder.table(\"b\").filter((k, x) -> !x.endsWith(\"0\")).suppress(untilTimeLimit(5 ms, maxRecords(2).emitEarlyWhenFull()))); "
        + "csuppress: builder.stream(\"a\").groupByKey().count(Materialized.as(\"counts\") String/Long).suppress(untilTimeLimit(10 ms, unbounded())).OP(builder.table(\"b\")); "
        + "wclose: the tumbling left count with .emitStrategy(EmitStrategy.onWindowClose()) before count; "
        + "sessfilter: rightSessionCount.OP(leftSessionCount.filter((k, x) -> x > 1)); "
        + "tsuppressmap: builder.table(\"a\").suppress(untilTimeLimit(10 ms, unbounded())).mapValues(x -> x + \"!\").OP(builder.table(\"b\")); "
        + "wsuppressmap: the wsuppress left count .mapValues(x -> x + 100) joined by OP; "
        + "fksuppress: builder.table(\"a\").join|leftJoin(builder.table(\"b\").suppress(untilTimeLimit(10 ms, unbounded())), x -> \"k\" + (number after the letter % 4), " + BAR_D + ") (foreign-key join); "
        + "stsuppress: builder.stream(\"a\").join|leftJoin(builder.table(\"b\").suppress(untilTimeLimit(10 ms, unbounded())), (c, u) -> u + \":\" + c).to(\"output\").";

    static Scenario.Kind wtKey(String v) {
        return v.equals("session") || v.equals("ssuppress") || v.equals("sessfilter") ? Scenario.Kind.SW
            : v.equals("tumbling") || v.equals("hopping") || v.equals("sliding") || v.startsWith("wsuppress") || v.equals("wclose") ? Scenario.Kind.tw(10) : S;
    }

    // ------------------------------------------------------------ family b: materialized filter / mapValues under groupBy
    static long n(String x) { return Long.parseLong(x); }
    static String sum(String a, String b) { return String.valueOf(n(a) + n(b)); }
    static String diff(String a, String b) { return String.valueOf(n(a) - n(b)); }
    static KeyValue<String, String> regroup(String k, String v) {
        return KeyValue.pair(k.equals("k0") || k.equals("k1") ? "g0" : "g1", v);
    }

    static void mf(StreamsBuilder b, String v) {
        KTable<String, String> t;
        switch (v) {
            case "filter": t = b.<String, String>table("t").filter((k, x) -> n(x) % 2 == 0, mat("fstore")); break;
            case "filternot": t = b.<String, String>table("t").filterNot((k, x) -> n(x) % 3 == 0, mat("fstore")); break;
            case "mapvalues": t = b.<String, String>table("t").mapValues(x -> String.valueOf(n(x) * 2), mat("fstore")); break;
            case "srcmat": t = b.<String, String>table("t", mat("src")).filter((k, x) -> n(x) % 2 == 0, mat("fstore")); break;
            case "chain": t = b.<String, String>table("t").mapValues(x -> String.valueOf(n(x) + 1)).filter((k, x) -> n(x) > 4, mat("fstore")); break;
            case "chain2": t = b.<String, String>table("t").filter((k, x) -> n(x) != 5, mat("fstore")).mapValues(x -> String.valueOf(n(x) * 3), mat("mstore")); break;
            case "stream": t = b.<String, String>stream("t").toTable().filter((k, x) -> n(x) < 7, mat("fstore")); break;
            default: throw new IllegalArgumentException(v);
        }
        t.toStream().to("filtered");
        t.groupBy(FidelityTableScenarios::regroup).reduce(FidelityTableScenarios::sum, FidelityTableScenarios::diff, mat("reduced"))
            .toStream().to("reduced");
    }

    static final String[] MF = {"filter", "filternot", "mapvalues", "srcmat", "chain", "chain2", "stream"};
    static final String MF_DESC = "Family fidelity-mf: KTable t = VARIANT; t.toStream().to(\"filtered\"); "
        + "t.groupBy((k, v) -> KeyValue.pair(k is k0 or k1 ? \"g0\" : \"g1\", v)).reduce((a, v) -> String(a + v), (a, v) -> String(a - v), Materialized.as(\"reduced\")).toStream().to(\"reduced\"); "
        + "all serdes String, values decimal numbers. Variants: filter: builder.table(\"t\").filter((k, x) -> x % 2 == 0, Materialized.as(\"fstore\")); "
        + "filternot: .filterNot((k, x) -> x % 3 == 0, Materialized.as(\"fstore\")); mapvalues: .mapValues(x -> x * 2, Materialized.as(\"fstore\")); "
        + "srcmat: builder.table(\"t\", Materialized.as(\"src\")).filter(even, Materialized.as(\"fstore\")); "
        + "chain: builder.table(\"t\").mapValues(x -> x + 1).filter((k, x) -> x > 4, Materialized.as(\"fstore\")); "
        + "chain2: builder.table(\"t\").filter((k, x) -> x != 5, Materialized.as(\"fstore\")).mapValues(x -> x * 3, Materialized.as(\"mstore\")); "
        + "stream: builder.stream(\"t\").toTable().filter((k, x) -> x < 7, Materialized.as(\"fstore\")).";

    static List<Scenario> all() {
        List<Scenario> l = new ArrayList<>();
        // ---------- fixed reproductions (issue 10) ----------
        l.add(Scenario.of("fidelity-filter-materialized-groupby")
            .desc("KTable t1 = builder.table(\"topic1\", Consumed.with(Serdes.String(), Serdes.Long())); "
                + "KTable t2 = t1.filter((k, v) -> v % 2 == 0, Materialized.as(\"store2\") String/Long); t2.toStream().to(\"filtered\", Produced.with(String, Long)); "
                + "t2.groupBy((k, v) -> KeyValue.pair(k, v), Grouped.with(String, Long)).reduce((a, v) -> a + v, (a, v) -> a - v, Materialized.as(\"reduced\") String/Long)"
                + ".toStream().to(\"reduced\", Produced.with(String, Long)).")
            .dsl(b -> {
                KTable<String, Long> t2 = b.table("topic1", Consumed.with(Serdes.String(), Serdes.Long())).filter((k, v) -> v % 2 == 0, matL("store2"));
                t2.toStream().to("filtered", Produced.with(Serdes.String(), Serdes.Long()));
                t2.groupBy((k, v) -> KeyValue.pair(k, v), Grouped.with(Serdes.String(), Serdes.Long())).reduce((a, v) -> a + v, (a, v) -> a - v, matL("reduced"))
                    .toStream().to("reduced", Produced.with(Serdes.String(), Serdes.Long()));
            })
            .in("topic1", S, L).out("filtered", S, L).out("reduced", S, L).kv("store2").kv("reduced").bothCaching()
            .pipe("topic1", "A", 1L, 5).pipe("topic1", "B", 1L, 10).pipe("topic1", "C", 1L, 15).pipe("topic1", "A", 2L, 15)
            .pipe("topic1", "B", 2L, 8).pipe("topic1", "A", 3L, 20).pipe("topic1", "A", null, 10).pipe("topic1", "B", null, 20));
        l.add(Scenario.of("fidelity-mapvalues-materialized-groupby")
            .desc("KTable t1 = builder.table(\"topic1\", Consumed.with(Serdes.String(), Serdes.Long())); "
                + "KTable t2 = t1.mapValues(v -> v * 10, Materialized.as(\"store2\") String/Long); t2.toStream().to(\"filtered\", Produced.with(String, Long)); "
                + "t2.groupBy((k, v) -> KeyValue.pair(k, v), Grouped.with(String, Long)).reduce((a, v) -> a + v, (a, v) -> a - v, Materialized.as(\"reduced\") String/Long)"
                + ".toStream().to(\"reduced\", Produced.with(String, Long)).")
            .dsl(b -> {
                KTable<String, Long> t2 = b.table("topic1", Consumed.with(Serdes.String(), Serdes.Long())).mapValues(v -> v * 10, matL("store2"));
                t2.toStream().to("filtered", Produced.with(Serdes.String(), Serdes.Long()));
                t2.groupBy((k, v) -> KeyValue.pair(k, v), Grouped.with(Serdes.String(), Serdes.Long())).reduce((a, v) -> a + v, (a, v) -> a - v, matL("reduced"))
                    .toStream().to("reduced", Produced.with(Serdes.String(), Serdes.Long()));
            })
            .in("topic1", S, L).out("filtered", S, L).out("reduced", S, L).kv("store2").kv("reduced").bothCaching()
            .pipe("topic1", "A", 1L, 5).pipe("topic1", "B", 1L, 10).pipe("topic1", "C", 1L, 15).pipe("topic1", "A", 2L, 15)
            .pipe("topic1", "B", 2L, 8).pipe("topic1", "A", 3L, 20).pipe("topic1", "A", null, 10).pipe("topic1", "B", null, 20));
        l.add(Scenario.of("fidelity-windowed-table-join")
            .desc("KTable ca = builder.stream(\"a\").groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofMillis(10000))).count(Materialized.with(String, Long)); "
                + "cb likewise from \"b\"; ca.join(cb, " + BAR_D + ").toStream().to(\"output\", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 10000), String)).")
            .dsl(b -> {
                KTable<Windowed<String>, Long> ca = b.<String, String>stream("a").groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(ofMillis(10000))).count(wl());
                KTable<Windowed<String>, Long> cb = b.<String, String>stream("b").groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(ofMillis(10000))).count(wl());
                ca.join(cb, (x, y) -> x + "|" + y).toStream().to("output", Produced.with(tw(10000), Serdes.String()));
            })
            .in("a").in("b").out("output", Scenario.Kind.tw(10000), S).bothCaching()
            .pipe("a", "k", "A1", 1000).pipe("b", "k", "B1", 2000));
        l.add(Scenario.of("fidelity-windowed-suppressed-leftjoin")
            .desc("KTable ca = builder.stream(\"a\").groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofMillis(10000))).count(Materialized.with(String, Long))"
                + ".suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded())); cb = the same count of \"b\" (not suppressed); ca.leftJoin(cb, " + BAR_D
                + ").toStream().to(\"output\", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 10000), String)).")
            .dsl(b -> {
                KTable<Windowed<String>, Long> ca = b.<String, String>stream("a").groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(ofMillis(10000))).count(wl())
                    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()));
                KTable<Windowed<String>, Long> cb = b.<String, String>stream("b").groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(ofMillis(10000))).count(wl());
                ca.leftJoin(cb, (x, y) -> x + "|" + y).toStream().to("output", Produced.with(tw(10000), Serdes.String()));
            })
            .in("a").in("b").out("output", Scenario.Kind.tw(10000), S).bothCaching()
            .pipe("a", "k", "a1", 1000).pipe("b", "k", "b1", 2000).pipe("a", "k", "a2", 10000).pipe("b", "k", "b2", 3000));
        l.add(Scenario.of("fidelity-suppressed-stream-table")
            .desc("builder.stream(\"clicks\").leftJoin(builder.table(\"users\").suppress(Suppressed.untilTimeLimit(Duration.ofMillis(1000), BufferConfig.unbounded())), "
                + "(c, u) -> u + \":\" + c).to(\"output\"); all serdes String.")
            .dsl(b -> b.<String, String>stream("clicks")
                .leftJoin(b.<String, String>table("users").suppress(Suppressed.untilTimeLimit(ofMillis(1000), BufferConfig.unbounded())), (c, u) -> u + ":" + c)
                .to("output"))
            .in("clicks").in("users").out("output").bothCaching()
            .pipe("users", "u", "Ann", 0).pipe("clicks", "u", "/a", 500).pipe("users", "u", "Bob", 1000).pipe("clicks", "u", "/b", 1500));
        l.add(Scenario.of("fidelity-suppressed-table-outerjoin")
            .desc("builder.table(\"a\").suppress(Suppressed.untilTimeLimit(Duration.ofMillis(1000), BufferConfig.unbounded())).outerJoin(builder.table(\"b\"), "
                + BAR_D + ").toStream().to(\"output\"); all serdes String.")
            .dsl(b -> b.<String, String>table("a").suppress(Suppressed.untilTimeLimit(ofMillis(1000), BufferConfig.unbounded()))
                .outerJoin(b.<String, String>table("b"), (x, y) -> x + "|" + y).toStream().to("output"))
            .in("a").in("b").out("output").bothCaching()
            .pipe("a", "k", "a1", 0).pipe("b", "k", "b1", 500).pipe("a", "k", "a2", 1000).pipe("b", "k", "b2", 1500));

        // ---------- family a: windowed / suppressed tables in joins, seeded random ----------
        int seedIdx = 0;
        for (int rep = 0; rep < 3; rep++) {
            for (String[] vo : WT) {
                String v = vo[0];
                String op = vo[1];
                long seed = 7000 + seedIdx++;
                boolean tables = v.startsWith("tsuppress") || v.equals("stsuppress") || v.equals("csuppress") || v.equals("fksuppress");
                Scenario s = Scenario.of("fidelity-wt-" + v + "-" + op + "-s" + seed)
                    .desc(WT_DESC + " This scenario: VARIANT=" + v + ", OP=" + op + ".")
                    .dsl(b -> wt(b, v, op))
                    .in("a").in("b").out("output", wtKey(v), S).bothCaching();
                // base time from 100: issue 10 part 2 (session lookups below time 0) is covered by its own scenarios
                l.add(random(s, seed, 60, List.of("a", "b"), false, tables ? 15 : 0, 0));
            }
        }
        // ---------- family b: materialized filter / mapValues under groupBy with deletes, seeded random ----------
        int mfIdx = 0;
        for (int rep = 0; rep < 8; rep++) {
            for (String v : MF) {
                long seed = 8000 + mfIdx++;
                Scenario s = Scenario.of("fidelity-mf-" + v + "-s" + seed)
                    .desc(MF_DESC + " This scenario: VARIANT=" + v + ".")
                    .dsl(b -> mf(b, v))
                    .in("t").out("filtered").out("reduced").kv("fstore").kv("reduced").bothCaching();
                l.add(random(s, seed, 50, List.of("t"), true, 25, 0));
            }
        }
        return l;
    }
}
