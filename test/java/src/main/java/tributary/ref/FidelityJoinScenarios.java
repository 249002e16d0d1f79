package tributary.ref;

import static java.time.Duration.ofMillis;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.ValueJoiner;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Issue 10, parts 4 and 8: outer/left stream-stream joins with records sharing key, side and timestamp (Kafka's
 * list-valued outer store), and cached materialized table-table joins with deletes (the record context a cache
 * entry flushes with). The reproductions, then seeded random families; the replay derives each random scenario's
 * windows / topology from the number in its name exactly as {@link #ssWindow} and {@link #ttVariant} do.
 */
final class FidelityJoinScenarios {
    private FidelityJoinScenarios() {}

    static final ValueJoiner<String, String, String> PLUS = (a, b) -> a + "+" + b;
    static final ValueJoiner<String, String, String> BAR = (a, b) -> a + "|" + b;
    static final int SS_OUTER = 50;
    static final int SS_LEFT = 25;
    static final int TT = 50;

    /** Window of random stream-stream scenario n: {before, after, grace}. */
    static long[] ssWindow(int n) {
        long[] bs = {0, 1, 2, 3, 6};
        long[] as = {0, 2, 3, 5, 1};
        long[] gs = {0, 1, 4, 10};
        long b = bs[n % 5];
        long a = as[(n / 5) % 5];
        long g = gs[(n / 2) % 4];
        if (n % 7 == 6 && b > 0) a = -1;
        return new long[] {b, a, g};
    }

    static JoinWindows window(long b, long a, long g) {
        return JoinWindows.ofTimeDifferenceAndGrace(ofMillis(Math.max(b, Math.max(a, 0))), ofMillis(g)).before(ofMillis(b)).after(ofMillis(a));
    }

    static String windowDesc(long b, long a, long g) {
        return "JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(" + Math.max(b, Math.max(a, 0)) + "), Duration.ofMillis(" + g
            + ")).before(Duration.ofMillis(" + b + ")).after(Duration.ofMillis(" + a + "))";
    }

    /** Stream-stream input with many records sharing key, side and timestamp: bursts of 1..3 records alike but for the value. */
    static Scenario ssRandom(Scenario s, long seed) {
        Random r = new Random(seed);
        long base = 0;
        int n = 60;
        for (int i = 0; i < n; ) {
            if (r.nextInt(3) != 0) base += 1 + r.nextInt(6);
            long ts = base;
            double p = r.nextDouble();
            if (p < 0.03) ts = base - 10 - r.nextInt(10);
            else if (p < 0.18) ts = base - r.nextInt(6);
            if (ts < 0) ts = 0;
            String topic = r.nextBoolean() ? "left" : "right";
            String key = r.nextInt(50) == 0 ? null : "k" + r.nextInt(5);
            int burst = 1 + r.nextInt(3);
            for (int j = 0; j < burst && i < n; j++, i++) {
                String value = r.nextInt(33) == 0 ? null : topic.substring(0, 1).toUpperCase() + i;
                s.pipe(topic, key, value, ts);
            }
        }
        s.pipe("left", "z", "end", base + 40);
        return s.note("Seeded random input (java.util.Random(" + seed + ")): " + n + " records in bursts of 1..3 sharing key (k0..k4, 2% null), "
            + "side and timestamp; values L<i>/R<i> (3% null); the base time advances 1..6 before two bursts in three; 15% of bursts go back "
            + "0..5, 3% go back 10..19 (clamped at 0); then left z=end at base + 40. The records are the steps below.");
    }

    /** Topology variant of random table-table scenario n: {join kind 0..2, left via stream.toTable (1) or table (0), mapValues materialized (1)}. */
    static int[] ttVariant(int n) {
        return new int[] {n % 3, (n / 3) % 2, (n / 6) % 2};
    }

    static KTable<String, String> ttJoin(StreamsBuilder b, int kind, boolean viaStream, boolean upperMaterialized) {
        KTable<String, String> src = viaStream ? b.<String, String>stream("s").toTable() : b.<String, String>table("s");
        KTable<String, String> upper = upperMaterialized
            ? src.mapValues(v -> v.toUpperCase(), Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("upper-store"))
            : src.mapValues(v -> v.toUpperCase());
        KTable<String, String> t = b.table("t");
        Materialized<String, String, KeyValueStore<Bytes, byte[]>> m = Materialized.as("joined");
        return kind == 0 ? upper.join(t, BAR, m) : kind == 1 ? upper.leftJoin(t, BAR, m) : upper.outerJoin(t, BAR, m);
    }

    /** Table-table input with deletes, out-of-order timestamps and tombstones older than the other side's record. */
    static Scenario ttRandom(Scenario s, long seed) {
        Random r = new Random(seed);
        long base = 0;
        int n = 50;
        for (int i = 0; i < n; i++) {
            base += r.nextInt(4);
            long ts = base;
            if (r.nextDouble() < 0.3) ts = Math.max(0, base - r.nextInt(15));
            String topic = r.nextBoolean() ? "s" : "t";
            String key = "k" + r.nextInt(4);
            String value = r.nextInt(4) == 0 ? null : topic + i;
            s.pipe(topic, key, value, ts);
        }
        return s.note("Seeded random input (java.util.Random(" + seed + ")): " + n + " records, keys k0..k3, topics s and t, values s<i>/t<i> "
            + "(25% null: deletes); base time advances 0..3 per record, 30% go back 0..14 (clamped at 0). The records are the steps below.");
    }

    static List<Scenario> all() {
        List<Scenario> l = new ArrayList<>();
        // Part 4: the reproduction.
        JoinWindows w = JoinWindows.ofTimeDifferenceAndGrace(ofMillis(2000), ofMillis(5000));
        l.add(Scenario.of("fidelity-ssj-outer-repeated-ts")
            .desc("KStream left = builder.stream(\"left\"); left.outerJoin(builder.stream(\"right\"), (a, b) -> a + \"+\" + b, "
                + "JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(2000), Duration.ofMillis(5000))).to(\"output\"); All serdes String.")
            .dsl(b -> b.<String, String>stream("left").outerJoin(b.<String, String>stream("right"), PLUS, w).to("output"))
            .in("left").in("right").out("output")
            .pipe("right", "k1", "R1", 0).pipe("right", "k3", "R2", 2000).pipe("left", "k2", "L1", 3000).pipe("left", "k2", "L2", 3000)
            .pipe("left", "k2", "L3", 5000).pipe("left", "k0", "L4", 8000).pipe("left", "k3", "L5", 11000));
        // Part 8: the reproduction.
        l.add(Scenario.of("fidelity-tt-cached-tombstone")
            .desc("builder.stream(\"s\").toTable().mapValues(v -> v.toUpperCase()).join(builder.table(\"t\"), (a, b) -> a + \"|\" + b, "
                + "Materialized.as(\"joined\")).toStream().to(\"out\"); All serdes String.")
            .dsl(b -> ttJoin(b, 0, true, false).toStream().to("out"))
            .in("s").in("t").out("out").kv("joined").bothCaching()
            .pipe("s", "k1", "s1", 1000).pipe("t", "k1", "t1", 5000).pipe("s", "k1", null, 3000));
        // Part 4: random outer and left joins with repeated timestamps.
        for (int n = 0; n < SS_OUTER + SS_LEFT; n++) {
            boolean outer = n < SS_OUTER;
            long[] p = ssWindow(n);
            JoinWindows jw = window(p[0], p[1], p[2]);
            String op = outer ? "outerJoin" : "leftJoin";
            String name = String.format("fidelity-ssj-%s-%02d", outer ? "outer" : "left", n);
            l.add(ssRandom(Scenario.of(name)
                .desc("KStream left = builder.stream(\"left\"); left." + op + "(builder.stream(\"right\"), (a, b) -> a + \"+\" + b, "
                    + windowDesc(p[0], p[1], p[2]) + ").to(\"output\"); All serdes String.")
                .dsl(b -> {
                    KStream<String, String> left = b.stream("left");
                    KStream<String, String> right = b.stream("right");
                    (outer ? left.outerJoin(right, PLUS, jw) : left.leftJoin(right, PLUS, jw)).to("output");
                })
                .in("left").in("right").out("output"), 4000 + n));
        }
        // Part 8: random cached materialized table-table joins with deletes.
        String[] kinds = {"join", "leftJoin", "outerJoin"};
        for (int n = 0; n < TT; n++) {
            int[] v = ttVariant(n);
            String name = String.format("fidelity-tt-%02d", n);
            Scenario s = Scenario.of(name)
                .desc((v[1] == 1 ? "builder.stream(\"s\").toTable()" : "builder.table(\"s\")") + ".mapValues(v -> v.toUpperCase()"
                    + (v[2] == 1 ? ", Materialized.as(\"upper-store\")" : "") + ")." + kinds[v[0]]
                    + "(builder.table(\"t\"), (a, b) -> a + \"|\" + b, Materialized.as(\"joined\")).toStream().to(\"out\"); All serdes String.")
                .dsl(b -> ttJoin(b, v[0], v[1] == 1, v[2] == 1).toStream().to("out"))
                .in("s").in("t").out("out").kv("joined").bothCaching();
            if (v[2] == 1) s.kv("upper-store");
            l.add(ttRandom(s, 5000 + n));
        }
        return l;
    }
}
