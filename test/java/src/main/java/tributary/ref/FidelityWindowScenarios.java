package tributary.ref;

import static java.time.Duration.ofMillis;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.SessionWindowedKStream;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.SlidingWindows;
import org.apache.kafka.streams.kstream.TimeWindowedKStream;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.WindowedSerdes;
import org.apache.kafka.streams.state.SessionStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Issue 10 parts 2 and 7: session lookups whose lower bound (record time - gap) is negative, and sessions accepted
 * exactly at the retention bound under EmitStrategy.onWindowClose(); each with Kafka's default (RocksDB) store and
 * with its in-memory store (Materialized.as(Stores.inMemorySessionStore("sessions", gap + grace))). Scenario names
 * carry their parameters (the TypeScript replay parses them): g = gap, gr = grace, s = seed, store leveldb | memory.
 */
final class FidelityWindowScenarios {
    private FidelityWindowScenarios() {}

    static final Scenario.Kind SW = Scenario.Kind.SW;
    static final Scenario.Kind S = Scenario.Kind.STRING;
    static final Scenario.Kind L = Scenario.Kind.LONG;

    static Materialized<String, Long, SessionStore<Bytes, byte[]>> countStore(boolean memory, long retention) {
        Materialized<String, Long, SessionStore<Bytes, byte[]>> m = memory
            ? Materialized.<String, Long>as(Stores.inMemorySessionStore("sessions", ofMillis(retention)))
            : Materialized.<String, Long, SessionStore<Bytes, byte[]>>as("sessions");
        return m.withKeySerde(Serdes.String()).withValueSerde(Serdes.Long());
    }

    static Materialized<String, String, SessionStore<Bytes, byte[]>> aggStore(boolean memory, long retention) {
        Materialized<String, String, SessionStore<Bytes, byte[]>> m = memory
            ? Materialized.<String, String>as(Stores.inMemorySessionStore("sessions", ofMillis(retention)))
            : Materialized.<String, String, SessionStore<Bytes, byte[]>>as("sessions");
        return m.withKeySerde(Serdes.String()).withValueSerde(Serdes.String());
    }

    static String storeDesc(boolean memory, long retention, String valueSerde) {
        return (memory ? "Materialized.as(Stores.inMemorySessionStore(\"sessions\", Duration.ofMillis(" + retention + ")))"
            : "Materialized.as(\"sessions\")") + ".withKeySerde(Serdes.String()).withValueSerde(" + valueSerde + ")";
    }

    static SessionWindowedKStream<String, String> sessions(StreamsBuilder b, long gap, long grace, boolean onClose) {
        SessionWindowedKStream<String, String> w = b.<String, String>stream("input").groupByKey()
            .windowedBy(SessionWindows.ofInactivityGapAndGrace(ofMillis(gap), ofMillis(grace)));
        return onClose ? w.emitStrategy(EmitStrategy.onWindowClose()) : w;
    }

    static String chain(long gap, long grace, boolean onClose) {
        return "builder.stream(\"input\").groupByKey().windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(" + gap
            + "), Duration.ofMillis(" + grace + ")))" + (onClose ? ".emitStrategy(EmitStrategy.onWindowClose())" : "");
    }

    static final String OUT = ".toStream().to(\"output\", Produced.with(WindowedSerdes.sessionWindowedSerdeFrom(String.class), %s)); default serdes String.";

    /** A session count (value Long) or an aggregate (value String, merger shows the merge order). */
    static Scenario session(String name, long gap, long grace, boolean onClose, boolean memory, boolean count) {
        long retention = gap + grace;
        Scenario s = Scenario.of(name).in("input").session("sessions").bothCaching();
        if (count) {
            return s.desc(chain(gap, grace, onClose) + ".count(" + storeDesc(memory, retention, "Serdes.Long()") + ")" + String.format(OUT, "Serdes.Long()"))
                .dsl(b -> sessions(b, gap, grace, onClose).count(countStore(memory, retention))
                    .toStream().to("output", Produced.with(WindowedSerdes.sessionWindowedSerdeFrom(String.class), Serdes.Long())))
                .out("output", SW, L);
        }
        return s.desc(chain(gap, grace, onClose) + ".aggregate(() -> \"\", (k, v, agg) -> agg + v, (k, left, right) -> left + \"|\" + right, "
                + storeDesc(memory, retention, "Serdes.String()") + ")" + String.format(OUT, "Serdes.String()"))
            .dsl(b -> sessions(b, gap, grace, onClose)
                .aggregate(() -> "", (k, v, agg) -> agg + v, (k, left, right) -> left + "|" + right, aggStore(memory, retention))
                .toStream().to("output", Produced.with(WindowedSerdes.sessionWindowedSerdeFrom(String.class), Serdes.String())))
            .out("output", SW, S);
    }

    static String kind(boolean memory) { return memory ? "memory" : "leveldb"; }

    static final String ZERO_NOTE = "Seeded random input (java.util.Random(seed)), %d records, keys k0..k2, values \"0\"..\"9\": time starts at 0 "
        + "and advances 0..gap+1 per record; 30%% of records go back 0..2*gap (out of order, possibly late); timestamps clamped at >= 0. seed=%d";

    /** Sessions from time 0: many lookups with record time - gap < 0. */
    static Scenario zeroInput(Scenario s, long seed, int n, long gap) {
        Random r = new Random(seed);
        long base = 0;
        for (int i = 0; i < n; i++) {
            if (i > 0) base += r.nextInt((int) gap + 2);
            long ts = base;
            if (r.nextDouble() < 0.3) ts = Math.max(0, base - r.nextInt((int) (2 * gap) + 1));
            s.p("k" + r.nextInt(3), String.valueOf(r.nextInt(10)), ts);
        }
        return s.note(String.format(ZERO_NOTE, n, seed));
    }

    static final String CLOSE_NOTE = "Seeded random input (java.util.Random(seed)), %d records, keys k0..k3, values \"0\"..\"9\": time advances "
        + "0..gap per record (5%% of records jump 20000..79999 ahead, crossing Kafka's 60 s segments); 35%% of records are placed at the "
        + "retention bound (stream time - gap - grace, -1, 0 or +1 ms), 10%% go back 0..2*(gap+grace); timestamps clamped at >= 0. seed=%d";

    /** onWindowClose sessions: records at and around the retention bound, and stream-time jumps over segments. */
    static Scenario closeInput(Scenario s, long seed, int n, long gap, long grace) {
        Random r = new Random(seed);
        long base = 0;
        long streamTime = 0;
        for (int i = 0; i < n; i++) {
            double jump = r.nextDouble();
            if (jump < 0.05) base += 20_000 + r.nextInt(60_000);
            else base += r.nextInt((int) gap + 1);
            long ts = base;
            double p = r.nextDouble();
            if (p < 0.35) ts = streamTime - gap - grace + (r.nextInt(3) - 1);
            else if (p < 0.45) ts = base - r.nextInt((int) (2 * (gap + grace)) + 1);
            if (ts < 0) ts = 0;
            streamTime = Math.max(streamTime, ts);
            s.p("k" + r.nextInt(4), String.valueOf(r.nextInt(10)), ts);
        }
        return s.note(String.format(CLOSE_NOTE, n, seed));
    }

    static final long[] ZERO_GAPS = {1, 2, 3, 5, 8, 13, 5000};
    static final long[] ZERO_GRACES = {0, 1, 3};
    static final long[] CLOSE_GAPS = {2, 3, 5, 10, 3000, 5000};
    static final long[] CLOSE_GRACES = {0, 1, 2, 5};

    static final String W_OUT = ".toStream().to(\"output\", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 10), Serdes.Long())); default serdes String.";

    /**
     * Time and sliding windows (size / timeDifference 10, grace 5, hopping advance 5) counted into Kafka's in-memory window
     * store (Stores.inMemoryWindowStore("wcounts", the DSL's default retention, size 10, false)), emit on update or on close.
     */
    static Scenario windowed(String name, String type, boolean onClose, boolean memory) {
        String windows = switch (type) {
            case "tumbling" -> "TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5))";
            case "hopping" -> "TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5)).advanceBy(Duration.ofMillis(5))";
            default -> "SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(5))";
        };
        // the DSL's default retentions: size + grace; sliding windows 2 * timeDifference + grace
        long retention = type.equals("sliding") ? 25 : 15;
        String desc = "builder.stream(\"input\").groupByKey().windowedBy(" + windows + ")" + (onClose ? ".emitStrategy(EmitStrategy.onWindowClose())" : "")
            + ".count(Materialized.as(" + (memory ? "Stores.inMemoryWindowStore(\"wcounts\", Duration.ofMillis(" + retention + "), Duration.ofMillis(10), false)" : "\"wcounts\"")
            + ").withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))" + W_OUT;
        return Scenario.of(name).desc(desc).in("input").out("output", Scenario.Kind.tw(10), L).window("wcounts").bothCaching()
            .dsl(b -> {
                Materialized<String, Long, WindowStore<Bytes, byte[]>> m = (memory
                    ? Materialized.<String, Long>as(Stores.inMemoryWindowStore("wcounts", ofMillis(retention), ofMillis(10), false))
                    : Materialized.<String, Long, WindowStore<Bytes, byte[]>>as("wcounts")).withKeySerde(Serdes.String()).withValueSerde(Serdes.Long());
                var g = b.<String, String>stream("input").groupByKey();
                var counted = switch (type) {
                    case "sliding" -> {
                        TimeWindowedKStream<String, String> w = g.windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(ofMillis(10), ofMillis(5)));
                        yield (onClose ? w.emitStrategy(EmitStrategy.onWindowClose()) : w).count(m);
                    }
                    default -> {
                        TimeWindows tw = TimeWindows.ofSizeAndGrace(ofMillis(10), ofMillis(5));
                        TimeWindowedKStream<String, String> w = g.windowedBy(type.equals("hopping") ? tw.advanceBy(ofMillis(5)) : tw);
                        yield (onClose ? w.emitStrategy(EmitStrategy.onWindowClose()) : w).count(m);
                    }
                };
                counted.toStream().to("output", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 10), Serdes.Long()));
            });
    }

    static List<Scenario> all() {
        List<Scenario> l = new ArrayList<>();
        // Kafka's in-memory window stores (store: 'memory') and its default ones: retention, expiry and iteration order
        // (store dumps); seeded inputs from 0
        String[] types = {"tumbling", "hopping", "sliding"};
        for (int seed = 0; seed < 24; seed++) {
            String type = types[seed % 3];
            boolean onClose = (seed / 3) % 2 == 1;
            String emit = onClose ? "close" : "update";
            l.add(Inputs.random(windowed(String.format("fw-wmem-s%02d-%s-%s", seed, type, emit), type, onClose, true), 3000 + seed, 60, List.of("input")));
            l.add(Inputs.random(windowed(String.format("fw-wdef-s%02d-%s-%s", seed, type, emit), type, onClose, false), 3000 + seed, 60, List.of("input")));
        }
        for (boolean memory : new boolean[] {false, true}) {
            String k = kind(memory);
            // issue 10 part 2: k=v1@0 then k=v2@3000 (and the reverse order), gap 5000: one session [0, 3000]
            l.add(session("fw-session-negbound-" + k, 5000, 0, false, memory, true).p("k", "v1", 0).p("k", "v2", 3000));
            l.add(session("fw-session-negbound-reverse-" + k, 5000, 0, false, memory, true).p("k", "v2", 3000).p("k", "v1", 0));
            // issue 10 part 7: k0@7000 is accepted at the retention bound (end 7000 = stream time 10000 - gap 3000)
            l.add(session("fw-session-close-retention-" + k, 3000, 0, true, memory, true)
                .p("k1", "v1", 10000).p("k0", "v2", 7000).p("k2", "v3", 10250));
        }
        for (int seed = 0; seed < 50; seed++) {
            long gap = ZERO_GAPS[seed % ZERO_GAPS.length];
            long grace = ZERO_GRACES[seed % ZERO_GRACES.length];
            boolean memory = seed % 4 == 3;
            boolean count = seed % 2 == 0;
            String name = String.format("fw-szero-s%02d-g%d-gr%d-%s-%s", seed, gap, grace, count ? "count" : "agg", kind(memory));
            l.add(zeroInput(session(name, gap, grace, false, memory, count), 1000 + seed, 30, gap));
        }
        for (int seed = 0; seed < 50; seed++) {
            long gap = CLOSE_GAPS[seed % CLOSE_GAPS.length];
            long grace = CLOSE_GRACES[(seed / 2) % CLOSE_GRACES.length] * (gap >= 1000 ? 500 : 1);
            boolean memory = seed % 2 == 1;
            String name = String.format("fw-sclose-s%02d-g%d-gr%d-count-%s", seed, gap, grace, kind(memory));
            l.add(closeInput(session(name, gap, grace, true, memory, true), 2000 + seed, 40, gap, grace));
        }
        return l;
    }
}
