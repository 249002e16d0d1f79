package tributary.ref;

import static java.time.Duration.ofMillis;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.StreamJoined;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.ValueJoiner;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

final class JoinScenarios {
    private JoinScenarios() {}

    static final ValueJoiner<String, String, String> J = (a, b) -> a + "+" + b;
    static final String JD = "(a, b) -> a + \"+\" + b";
    static final String NOTE = " Joiner " + JD + " (Java string concatenation prints null as \"null\"). All serdes String (defaults).";

    // ---------------------------------------------------------------- stream-stream
    /** Hand-written stream-stream input for windows of 10 ms (grace 0 or 5). */
    static Scenario ssInputs(Scenario s) {
        return s.pipe("left", "a", "L1", 0)
            .pipe("right", "a", "R1", 5)     // joins L1
            .pipe("right", "a", "R2", 11)    // |11-0| > 10: no join with L1
            .pipe("left", "a", "L2", 12)     // joins R1 (|12-5|=7) and R2
            .pipe("left", "b", "L3", 13)     // no partner
            .pipe("right", "a", "R3", 1)     // out of order: joins L1 only
            .pipe("right", "b", "R4", 20)    // |20-13| = 7: joins L3
            .pipe("left", "c", "L4", 21)     // never matched
            .pipe("left", "b", "L5", 30)     // stream time 30: windows of earlier records close
            .pipe("right", "a", "R5", 14)    // late for grace 5 (14 + 10 + 5 < 30)
            .pipe("right", "a", "R6", 16)    // 16 + 10 + 5 >= 30: still processed, joins L2
            .pipe("left", null, "L6", 31)    // null key: dropped
            .pipe("left", "a", null, 32)     // null value: dropped
            .pipe("right", "d", "R7", 33)
            .pipe("right", "c", "R8", 40)    // |40-21| > 10
            .pipe("left", "a", "L7", 45)
            .pipe("right", "a", "R9", 50)
            .pipe("left", "z", "flush", 100) // advances stream time far: flushes pending left/outer results
            .pipe("right", "z", "flush", 101);
    }

    /** The join example table from Kafka's join semantics documentation: all records have key "k". */
    static Scenario docsInputs(Scenario s, boolean flush) {
        s.pipe("left", "k", null, 1).pipe("right", "k", null, 2).pipe("left", "k", "A", 3).pipe("right", "k", "a", 4)
            .pipe("left", "k", "B", 5).pipe("right", "k", "b", 6).pipe("left", "k", null, 7).pipe("right", "k", null, 8)
            .pipe("left", "k", "C", 9).pipe("right", "k", "c", 10).pipe("right", "k", null, 11).pipe("left", "k", null, 12)
            .pipe("right", "k", null, 13).pipe("right", "k", "d", 14).pipe("left", "k", "D", 15);
        if (flush) s.pipe("left", "z", "flush", 100);
        return s;
    }

    interface SSJoin { KStream<String, String> apply(KStream<String, String> l, KStream<String, String> r, JoinWindows w); }

    static Scenario ss(String name, String op, JoinWindows w, String wDesc, SSJoin j) {
        return Scenario.of(name)
            .desc("KStream left = builder.stream(\"left\"); KStream right = builder.stream(\"right\"); left." + op + "(right, " + JD + ", "
                + wDesc + ").to(\"output\");" + NOTE)
            .dsl(b -> j.apply(b.stream("left"), b.stream("right"), w).to("output"))
            .in("left").in("right").out("output");
    }

    static final SSJoin INNER = (l, r, w) -> l.join(r, J, w);
    static final SSJoin LEFT = (l, r, w) -> l.leftJoin(r, J, w);
    static final SSJoin OUTER = (l, r, w) -> l.outerJoin(r, J, w);

    // ---------------------------------------------------------------- stream-table
    static Scenario stInputs(Scenario s) {
        return s.pipe("right", "a", "A1", 0)
            .pipe("left", "a", "l1", 1)      // joins A1
            .pipe("left", "b", "l2", 2)      // no table entry
            .pipe("right", "a", "A2", 3)     // table update: no output
            .pipe("left", "a", "l3", 2)      // out-of-order stream record sees current table value A2
            .pipe("right", "b", "B1", 10)
            .pipe("left", "b", "l4", 4)      // table record newer than stream record; non-versioned table still joins
            .pipe("right", "a", null, 5)     // delete
            .pipe("left", "a", "l5", 6)
            .pipe("left", null, "l6", 7)     // null key
            .pipe("left", "b", null, 8)      // null stream value
            .pipe("right", "c", null, 9)     // delete absent
            .pipe("left", "c", "l7", 11);
    }

    // ---------------------------------------------------------------- global
    static final String GSEL = "(k, v) -> v == null || v.startsWith(\":\") ? null : v.split(\":\")[0]";

    static Scenario globalInputs(Scenario s) {
        return s.pipe("global", "g1", "G1", 0)
            .pipe("input", "a", "g1:x", 1)   // joins G1
            .pipe("input", "b", "g2:y", 2)   // missing in global table
            .pipe("global", "g2", "G2", 3)
            .pipe("input", "b", "g2:z", 4)
            .pipe("global", "g1", null, 5)   // delete g1
            .pipe("input", "a", "g1:w", 6)
            .pipe("input", "c", ":nofk", 7)  // selector returns null
            .pipe("input", "d", null, 8)     // null value: selector returns null
            .pipe("input", null, "g2:q", 9)  // null stream key, valid lookup key
            .pipe("global", "g2", "G2b", 1)  // global update with older timestamp
            .pipe("input", "e", "g2:r", 10);
    }

    // ---------------------------------------------------------------- table-table
    static Scenario ttInputs(Scenario s) {
        return s.pipe("left", "a", "L1", 0)   // no right
            .pipe("right", "a", "R1", 1)      // now joins
            .pipe("left", "a", "L2", 2)
            .pipe("right", "b", "R2", 3)      // right only
            .pipe("right", "a", null, 4)      // delete right
            .pipe("right", "a", null, 5)      // delete absent right
            .pipe("left", "b", "L3", 1)       // older timestamp than right side R2@3
            .pipe("left", "a", null, 6)       // delete left
            .pipe("left", "c", null, 7)       // delete absent on both sides
            .pipe("left", "b", "L3", 8)       // same value again
            .pipe("right", "b", "R3", 9)
            .pipe("left", "b", null, 10)
            .pipe("right", "b", null, 11);
    }

    interface TTJoin { KTable<String, String> apply(KTable<String, String> l, KTable<String, String> r); }

    // ---------------------------------------------------------------- foreign key
    static final String FK_EXTRACT = "v -> { String f = v.split(\":\")[0]; return f.isEmpty() ? null : f; }";
    static final Function<String, String> FK = v -> {
        String f = v.split(":")[0];
        return f.isEmpty() ? null : f;
    };

    static Scenario fkInputs(Scenario s) {
        return s.pipe("right", "r1", "R1", 0)
            .pipe("right", "r2", "R2", 1)
            .pipe("left", "a", "r1:x", 2)     // FK r1
            .pipe("left", "a", "r2:x", 3)     // FK changes r1 -> r2
            .pipe("left", "a", "r1:y", 4)     // FK back to r1
            .pipe("left", "b", "r1:p", 5)     // second left row on r1
            .pipe("right", "r1", "R1b", 6)    // right update fans out to a and b
            .pipe("left", "a", "r1:z", 7)     // same FK, new value
            .pipe("right", "r1", null, 8)     // right delete
            .pipe("left", "c", "r3:q", 9)     // FK to missing right row
            .pipe("right", "r3", "R3", 10)    // right row appears
            .pipe("left", "a", ":n", 11)      // null FK
            .pipe("left", "a", "r2:m", 12)    // from null FK to r2
            .pipe("left", "b", null, 13)      // left delete
            .pipe("left", "d", null, 14)      // left delete of absent key
            .pipe("right", "r2", "R2b", 15)
            .pipe("right", "r1", "R1c", 16)   // r1 back; nobody references it
            .pipe("left", "c", "r3:q", 17);   // identical left update
    }

    // ---------------------------------------------------------------- cogroup
    static Scenario cogroupInputs(Scenario s) {
        return s.pipe("in1", "a", "x", 0).pipe("in2", "a", "y", 1).pipe("in1", "b", "z", 2)
            .pipe("in2", null, "n", 3)     // null key dropped
            .pipe("in1", "a", null, 4)     // null value dropped
            .pipe("in2", "b", "w", 5).pipe("in1", "a", "v", 12).pipe("in2", "a", "u", 3)
            .pipe("in1", "c", "t", 16).pipe("in2", "a", "s", 30).pipe("in1", "a", "r", 9);
    }

    static List<Scenario> all() {
        List<Scenario> l = new ArrayList<>();
        JoinWindows g5 = JoinWindows.ofTimeDifferenceAndGrace(ofMillis(10), ofMillis(5));
        String g5d = "JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(5))";
        JoinWindows g0 = JoinWindows.ofTimeDifferenceWithNoGrace(ofMillis(10));
        String g0d = "JoinWindows.ofTimeDifferenceWithNoGrace(Duration.ofMillis(10))";
        JoinWindows asym = JoinWindows.ofTimeDifferenceAndGrace(ofMillis(10), ofMillis(5)).before(ofMillis(2)).after(ofMillis(8));
        String asymd = "JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(5)).before(Duration.ofMillis(2)).after(Duration.ofMillis(8))";
        JoinWindows docs = JoinWindows.ofTimeDifferenceWithNoGrace(ofMillis(15));
        String docsd = "JoinWindows.ofTimeDifferenceWithNoGrace(Duration.ofMillis(15))";
        String[][] ops = {{"join", "inner"}, {"leftJoin", "left"}, {"outerJoin", "outer"}};
        SSJoin[] fns = {INNER, LEFT, OUTER};
        for (int i = 0; i < 3; i++) {
            l.add(ssInputs(ss("join-stream-stream-" + ops[i][1] + "-grace5", ops[i][0], g5, g5d, fns[i])));
            l.add(ssInputs(ss("join-stream-stream-" + ops[i][1] + "-nograce", ops[i][0], g0, g0d, fns[i])));
            l.add(ssInputs(ss("join-stream-stream-" + ops[i][1] + "-asymmetric", ops[i][0], asym, asymd, fns[i])));
            Scenario d = ss("join-stream-stream-" + ops[i][1] + "-docs", ops[i][0], docs, docsd, fns[i]);
            d.description += " Input: the Kafka join-semantics documentation example (all records key \"k\", timestamps 1..15), "
                + "followed by one left record z=flush@100 that advances stream time so pending non-joined results are emitted.";
            l.add(docsInputs(d, true));
            l.add(Inputs.random(ss("join-stream-stream-" + ops[i][1] + "-random", ops[i][0], g5, g5d, fns[i]), 200 + i, 200, List.of("left", "right")));
        }
        l.add(ssInputs(Scenario.of("join-stream-stream-named-stores")
            .desc("KStream left = builder.stream(\"left\"); KStream right = builder.stream(\"right\"); left.outerJoin(right, " + JD + ", " + g5d
                + ", StreamJoined.<String, String, String>as(\"ssj\").withName(\"ssj-op\")).to(\"output\");" + NOTE)
            .dsl(b -> b.<String, String>stream("left").outerJoin(b.<String, String>stream("right"), J, g5,
                StreamJoined.<String, String, String>as("ssj").withName("ssj-op")).to("output"))
            .in("left").in("right").out("output")));
        // self-join (KIP-862 optimization only with topology.optimization=all; this is the unoptimized form)
        l.add(Scenario.of("join-stream-stream-self")
            .desc("KStream s = builder.stream(\"left\"); s.join(s, " + JD + ", " + g0d + ").to(\"output\");" + NOTE)
            .dsl(b -> {
                KStream<String, String> s = b.stream("left");
                s.join(s, J, g0).to("output");
            })
            .in("left").out("output")
            .pipe("left", "a", "1", 0).pipe("left", "a", "2", 5).pipe("left", "b", "3", 6).pipe("left", "a", "4", 20));

        // stream-table
        l.add(stInputs(Scenario.of("join-stream-table-inner")
            .desc("KTable right = builder.table(\"right\"); builder.stream(\"left\").join(right, " + JD + ").to(\"output\");" + NOTE)
            .dsl(b -> b.<String, String>stream("left").join(b.<String, String>table("right"), J).to("output"))
            .in("left").in("right").out("output").bothCaching()));
        l.add(stInputs(Scenario.of("join-stream-table-left")
            .desc("KTable right = builder.table(\"right\"); builder.stream(\"left\").leftJoin(right, " + JD + ").to(\"output\");" + NOTE)
            .dsl(b -> b.<String, String>stream("left").leftJoin(b.<String, String>table("right"), J).to("output"))
            .in("left").in("right").out("output").bothCaching()));
        Scenario stDocsI = Scenario.of("join-stream-table-inner-docs")
            .desc("KTable right = builder.table(\"right\"); builder.stream(\"left\").join(right, " + JD + ").to(\"output\");" + NOTE
                + " Input: the Kafka join-semantics documentation example (all records key \"k\").")
            .dsl(b -> b.<String, String>stream("left").join(b.<String, String>table("right"), J).to("output"))
            .in("left").in("right").out("output").bothCaching();
        l.add(docsInputs(stDocsI, false));
        Scenario stDocsL = Scenario.of("join-stream-table-left-docs")
            .desc("KTable right = builder.table(\"right\"); builder.stream(\"left\").leftJoin(right, " + JD + ").to(\"output\");" + NOTE
                + " Input: the Kafka join-semantics documentation example (all records key \"k\").")
            .dsl(b -> b.<String, String>stream("left").leftJoin(b.<String, String>table("right"), J).to("output"))
            .in("left").in("right").out("output").bothCaching();
        l.add(docsInputs(stDocsL, false));
        l.add(Scenario.of("join-stream-table-repartition")
            .desc("KTable right = builder.table(\"right\"); builder.stream(\"left\").selectKey((k, v) -> v == null ? null : v.split(\":\")[0]).join(right, " + JD + ").to(\"output\");" + NOTE
                + " The selectKey forces a repartition topic (name: see topology).")
            .dsl(b -> {
                KTable<String, String> right = b.table("right");
                b.<String, String>stream("left").selectKey((k, v) -> v == null ? null : v.split(":")[0]).join(right, J).to("output");
            })
            .in("left").in("right").out("output").bothCaching()
            .pipe("right", "a", "A1", 0).pipe("left", "x", "a:1", 1).pipe("left", "y", "b:2", 2)
            .pipe("right", "b", "B1", 3).pipe("left", "z", "b:3", 4).pipe("left", "w", null, 5));

        // global
        l.add(globalInputs(Scenario.of("join-stream-globaltable-inner")
            .desc("GlobalKTable g = builder.globalTable(\"global\", Materialized.as(\"global-store\")); builder.stream(\"input\").join(g, " + GSEL
                + ", (v, gv) -> v + \"+\" + gv).to(\"output\"); All serdes String (defaults).")
            .dsl(b -> {
                GlobalKTable<String, String> g = b.globalTable("global", Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("global-store"));
                b.<String, String>stream("input").join(g, (k, v) -> v == null || v.startsWith(":") ? null : v.split(":")[0], J).to("output");
            })
            .in("input").in("global").out("output").kv("global-store").bothCaching()));
        l.add(globalInputs(Scenario.of("join-stream-globaltable-left")
            .desc("GlobalKTable g = builder.globalTable(\"global\", Materialized.as(\"global-store\")); builder.stream(\"input\").leftJoin(g, " + GSEL
                + ", (v, gv) -> v + \"+\" + gv).to(\"output\"); All serdes String (defaults).")
            .dsl(b -> {
                GlobalKTable<String, String> g = b.globalTable("global", Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("global-store"));
                b.<String, String>stream("input").leftJoin(g, (k, v) -> v == null || v.startsWith(":") ? null : v.split(":")[0], J).to("output");
            })
            .in("input").in("global").out("output").kv("global-store").bothCaching()));

        // table-table
        String[][] tops = {{"join", "inner"}, {"leftJoin", "left"}, {"outerJoin", "outer"}};
        TTJoin[] tfns = {(a, c) -> a.join(c, J), (a, c) -> a.leftJoin(c, J), (a, c) -> a.outerJoin(c, J)};
        for (int i = 0; i < 3; i++) {
            TTJoin f = tfns[i];
            String base = "KTable left = builder.table(\"left\"); KTable right = builder.table(\"right\"); left." + tops[i][0] + "(right, " + JD + ")";
            l.add(ttInputs(Scenario.of("join-table-table-" + tops[i][1])
                .desc(base + ".toStream().to(\"output\");" + NOTE)
                .dsl(b -> f.apply(b.table("left"), b.table("right")).toStream().to("output"))
                .in("left").in("right").out("output").bothCaching()));
            Scenario d = Scenario.of("join-table-table-" + tops[i][1] + "-docs")
                .desc(base + ".toStream().to(\"output\");" + NOTE + " Input: the Kafka join-semantics documentation example (all records key \"k\"; null values are tombstones).")
                .dsl(b -> f.apply(b.table("left"), b.table("right")).toStream().to("output"))
                .in("left").in("right").out("output").bothCaching();
            l.add(docsInputs(d, false));
            l.add(Inputs.random(Scenario.of("join-table-table-" + tops[i][1] + "-random")
                .desc(base + ".toStream().to(\"output\");" + NOTE)
                .dsl(b -> f.apply(b.table("left"), b.table("right")).toStream().to("output"))
                .in("left").in("right").out("output").bothCaching(), 300 + i, 200, List.of("left", "right")));
        }
        l.add(ttInputs(Scenario.of("join-table-table-materialized")
            .desc("KTable left = builder.table(\"left\", Materialized.as(\"left-store\")); KTable right = builder.table(\"right\", Materialized.as(\"right-store\")); "
                + "left.outerJoin(right, " + JD + ", Materialized.as(\"joined\")).toStream().to(\"output\");" + NOTE)
            .dsl(b -> b.table("left", Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("left-store"))
                .outerJoin(b.table("right", Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("right-store")), J,
                    Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("joined"))
                .toStream().to("output"))
            .in("left").in("right").out("output").kv("left-store").kv("right-store").kv("joined").bothCaching()));

        // foreign key
        l.add(fkInputs(Scenario.of("join-fk-inner")
            .desc("KTable left = builder.table(\"left\"); KTable right = builder.table(\"right\"); left.join(right, " + FK_EXTRACT + ", " + JD
                + ").toStream().to(\"output\"); Left values are \"fk:payload\"; an empty fk means null FK." + NOTE)
            .dsl(b -> b.<String, String>table("left").join(b.<String, String>table("right"), FK, J).toStream().to("output"))
            .in("left").in("right").out("output").bothCaching()));
        l.add(fkInputs(Scenario.of("join-fk-left")
            .desc("KTable left = builder.table(\"left\"); KTable right = builder.table(\"right\"); left.leftJoin(right, " + FK_EXTRACT + ", " + JD
                + ").toStream().to(\"output\"); Left values are \"fk:payload\"; an empty fk means null FK." + NOTE)
            .dsl(b -> b.<String, String>table("left").leftJoin(b.<String, String>table("right"), FK, J).toStream().to("output"))
            .in("left").in("right").out("output").bothCaching()));
        l.add(fkInputs(Scenario.of("join-fk-materialized")
            .desc("KTable left = builder.table(\"left\"); KTable right = builder.table(\"right\"); left.leftJoin(right, " + FK_EXTRACT + ", " + JD
                + ", Materialized.as(\"fk-joined\")).toStream().to(\"output\"); Left values are \"fk:payload\"; an empty fk means null FK." + NOTE)
            .dsl(b -> b.<String, String>table("left").leftJoin(b.<String, String>table("right"), FK, J,
                    Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("fk-joined")).toStream().to("output"))
            .in("left").in("right").out("output").kv("fk-joined").bothCaching()));

        // cogroup
        String cg = "KGroupedStream g1 = builder.stream(\"in1\").groupByKey(); KGroupedStream g2 = builder.stream(\"in2\").groupByKey(); "
            + "g1.cogroup((k, v, agg) -> agg + \"|1:\" + v).cogroup(g2, (k, v, agg) -> agg + \"|2:\" + v)";
        l.add(cogroupInputs(Scenario.of("cogroup")
            .desc(cg + ".aggregate(() -> \"\", Materialized.as(\"cogroup-store\")).toStream().to(\"output\"); All serdes String (defaults).")
            .dsl(b -> cogroup(b).aggregate(() -> "", Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("cogroup-store")).toStream().to("output"))
            .in("in1").in("in2").out("output").kv("cogroup-store").bothCaching()));
        l.add(cogroupInputs(Scenario.of("cogroup-windowed")
            .desc(cg + ".windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5))).aggregate(() -> \"\", Materialized.as(\"wcogroup-store\"))"
                + ".toStream().to(\"output\", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 10), Serdes.String())); All serdes String (defaults).")
            .dsl(b -> cogroup(b).windowedBy(TimeWindows.ofSizeAndGrace(ofMillis(10), ofMillis(5)))
                .aggregate(() -> "", Materialized.<String, String, WindowStore<Bytes, byte[]>>as("wcogroup-store"))
                .toStream().to("output", Produced.with(WindowScenarios.tw(10), Serdes.String())))
            .in("in1").in("in2").out("output", Scenario.Kind.tw(10), Scenario.Kind.STRING).window("wcogroup-store").bothCaching()));
        return l;
    }

    static org.apache.kafka.streams.kstream.CogroupedKStream<String, String> cogroup(StreamsBuilder b) {
        KGroupedStream<String, String> g1 = b.<String, String>stream("in1").groupByKey();
        KGroupedStream<String, String> g2 = b.<String, String>stream("in2").groupByKey();
        return g1.<String>cogroup((k, v, agg) -> agg + "|1:" + v).cogroup(g2, (k, v, agg) -> agg + "|2:" + v);
    }
}
