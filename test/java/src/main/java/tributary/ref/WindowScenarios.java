package tributary.ref;

import static java.time.Duration.ofMillis;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.SlidingWindows;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.WindowedSerdes;
import org.apache.kafka.streams.state.SessionStore;
import org.apache.kafka.streams.state.WindowStore;

final class WindowScenarios {
    private WindowScenarios() {}

    static final Scenario.Kind S = Scenario.Kind.STRING;
    static final Scenario.Kind L = Scenario.Kind.LONG;

    static Serde<Windowed<String>> tw(long size) { return WindowedSerdes.timeWindowedSerdeFrom(String.class, size); }
    static Serde<Windowed<String>> sw() { return WindowedSerdes.sessionWindowedSerdeFrom(String.class); }
    static Materialized<String, Long, WindowStore<Bytes, byte[]>> wLong(String n) {
        return Materialized.<String, Long, WindowStore<Bytes, byte[]>>as(n).withKeySerde(Serdes.String()).withValueSerde(Serdes.Long());
    }
    static Materialized<String, String, WindowStore<Bytes, byte[]>> wStr(String n) {
        return Materialized.<String, String, WindowStore<Bytes, byte[]>>as(n);
    }
    static Materialized<String, Long, SessionStore<Bytes, byte[]>> sLong(String n) {
        return Materialized.<String, Long, SessionStore<Bytes, byte[]>>as(n).withKeySerde(Serdes.String()).withValueSerde(Serdes.Long());
    }
    static Materialized<String, String, SessionStore<Bytes, byte[]>> sStr(String n) {
        return Materialized.<String, String, SessionStore<Bytes, byte[]>>as(n);
    }
    static KGroupedStream<String, String> grouped(StreamsBuilder b) {
        return b.<String, String>stream("input").groupByKey();
    }

    static final String SRC = "builder.stream(\"input\").groupByKey()";
    static final String TW_OUT = ".toStream().to(\"output\", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, %d), %s));";
    static final String SW_OUT = ".toStream().to(\"output\", Produced.with(WindowedSerdes.sessionWindowedSerdeFrom(String.class), %s));";
    static final String NOTE = " Input values are decimal digits as Strings; default serdes String. Windowed output keys are "
        + "{key, window:{start,end}} as decoded by the windowed deserializer.";

    /** tumbling size 10 grace 0: records at window end, late records. */
    static Scenario grace0Inputs(Scenario s) {
        return s.p("a", "1", 0).p("a", "2", 5).p("b", "3", 9)
            .p("a", "4", 10)   // exactly at end of [0,10): starts [10,20); stream time 10 closes [0,10)
            .p("a", "5", 9)    // late: [0,10) closed (end 10 + grace 0 <= stream time 10)
            .p("b", "6", 19).p("a", "7", 20)
            .p("a", "8", 14)   // late for [10,20)
            .p("c", "9", 25).p("a", "1", 30).p("a", null, 31) // null value dropped
            .p(null, "2", 32);                                // null key dropped
    }

    /** tumbling size 10 grace 5: records at end, end+grace-1, end+grace. */
    static Scenario grace5Inputs(Scenario s) {
        return s.p("a", "1", 0).p("a", "2", 5).p("b", "3", 9)
            .p("a", "4", 10)   // exactly at end of [0,10)
            .p("a", "5", 9)    // out of order, still within grace
            .p("b", "6", 14)   // end + grace - 1: stream time 14
            .p("a", "7", 3)    // [0,10) still open (10 + 5 > 14)
            .p("b", "8", 15)   // end + grace: stream time 15 closes [0,10)
            .p("a", "9", 6)    // late: dropped
            .p("a", "1", 19).p("a", "2", 24)
            .p("b", "3", 25)   // closes [10,20)
            .p("a", "4", 12)   // late
            .p("c", "5", 40).p("a", "6", 41);
    }

    static Scenario hoppingInputs(Scenario s) {
        return s.p("a", "1", 0).p("a", "2", 4).p("a", "3", 5).p("b", "4", 9).p("a", "5", 10)
            .p("a", "6", 12).p("a", "7", 3)   // out of order: [0,10) open, [-5,5) never exists
            .p("a", "8", 20)                  // stream time 20: closes windows ending <= 15
            .p("a", "9", 9)                   // [5,15) end 15 + 5 > 20? no -> dropped; [0,10) dropped
            .p("a", "1", 11)                  // [5,15) dropped, [10,20) open
            .p("b", "2", 30).p("a", "3", 26);
    }

    static Scenario slidingInputs(Scenario s) {
        return s.p("a", "1", 10).p("a", "2", 15).p("a", "3", 20) // overlapping windows
            .p("a", "4", 20)                    // same timestamp
            .p("a", "5", 31)                    // more than timeDifference after 20
            .p("a", "6", 25)                    // out of order, within grace
            .p("b", "7", 5).p("b", "8", 40)
            .p("a", "9", 14)                    // late relative to stream time 40? grace 5
            .p("a", "1", 38).p("a", "2", 50).p("a", "3", 41);
    }

    static Scenario sessionInputs(Scenario s) {
        // gap 5, grace 2. A record is dropped as late when its (merged) session end < stream time - grace.
        return s.p("a", "1", 0)
            .p("a", "2", 10)                    // separate session (10 - 0 > gap)
            .p("a", "3", 5)                     // merges [0,0] and [10,10] -> [0,10]
            .p("a", "4", 15)                    // extends to [0,15]
            .p("b", "5", 30)
            .p("a", "6", 30)
            .p("a", "7", 22)                    // late: [22,22] end 22 < 30 - 2
            .p("a", "8", 26)                    // merges into [26,30] (end 30 not late)
            .p("a", "9", 18)                    // late: would merge with [0,15], end 18 < 28
            .p("a", "1", 40)
            .p("a", "2", 37)                    // merges with [40,40] -> [37,40]
            .p("a", "3", 33)                    // bridges [26,30] and [37,40] -> [26,40] (merged twice: three original sessions)
            .p("c", "4", 50).p("c", "5", 57)
            .p("a", "6", 41)                    // late: merged end 41 < 57 - 2
            .p("c", "6", 54)                    // bridges [50,50] and [57,57]; end 57 not late
            .p("c", "7", 55)                    // inside [50,57]
            .p("d", "8", 100)
            .p("c", "9", 62);                   // late: stream time 100
    }

    static List<Scenario> all() {
        List<Scenario> l = new ArrayList<>();
        // ---------- tumbling ----------
        l.add(grace0Inputs(Scenario.of("window-tumbling-count-grace0")
            .desc(SRC + ".windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(0))).count(Materialized.as(\"wcounts\"))"
                + String.format(TW_OUT, 10, "Serdes.Long()") + NOTE)
            .dsl(b -> grouped(b).windowedBy(TimeWindows.ofSizeAndGrace(ofMillis(10), ofMillis(0))).count(wLong("wcounts"))
                .toStream().to("output", Produced.with(tw(10), Serdes.Long())))
            .in("input").out("output", Scenario.Kind.tw(10), L).window("wcounts").bothCaching()));
        l.add(grace5Inputs(Scenario.of("window-tumbling-count-grace5")
            .desc(SRC + ".windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5))).count(Materialized.as(\"wcounts\"))"
                + String.format(TW_OUT, 10, "Serdes.Long()") + NOTE)
            .dsl(b -> grouped(b).windowedBy(TimeWindows.ofSizeAndGrace(ofMillis(10), ofMillis(5))).count(wLong("wcounts"))
                .toStream().to("output", Produced.with(tw(10), Serdes.Long())))
            .in("input").out("output", Scenario.Kind.tw(10), L).window("wcounts").bothCaching()));
        l.add(grace5Inputs(Scenario.of("window-tumbling-reduce")
            .desc(SRC + ".windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5))).reduce((agg, v) -> agg + \",\" + v, Materialized.as(\"wreduce\"))"
                + String.format(TW_OUT, 10, "Serdes.String()") + NOTE)
            .dsl(b -> grouped(b).windowedBy(TimeWindows.ofSizeAndGrace(ofMillis(10), ofMillis(5))).reduce((agg, v) -> agg + "," + v, wStr("wreduce"))
                .toStream().to("output", Produced.with(tw(10), Serdes.String())))
            .in("input").out("output", Scenario.Kind.tw(10), S).window("wreduce").bothCaching()));
        l.add(grace5Inputs(Scenario.of("window-tumbling-aggregate")
            .desc(SRC + ".windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5))).aggregate(() -> 0L, (k, v, agg) -> agg + Long.parseLong(v), "
                + "Materialized.as(\"wagg\").withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))" + String.format(TW_OUT, 10, "Serdes.Long()") + NOTE)
            .dsl(b -> grouped(b).windowedBy(TimeWindows.ofSizeAndGrace(ofMillis(10), ofMillis(5)))
                .aggregate(() -> 0L, (k, v, agg) -> agg + Long.parseLong(v), wLong("wagg"))
                .toStream().to("output", Produced.with(tw(10), Serdes.Long())))
            .in("input").out("output", Scenario.Kind.tw(10), L).window("wagg").bothCaching()));
        l.add(hoppingInputs(Scenario.of("window-hopping-count")
            .desc(SRC + ".windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5)).advanceBy(Duration.ofMillis(5))).count(Materialized.as(\"wcounts\"))"
                + String.format(TW_OUT, 10, "Serdes.Long()") + NOTE)
            .dsl(b -> grouped(b).windowedBy(TimeWindows.ofSizeAndGrace(ofMillis(10), ofMillis(5)).advanceBy(ofMillis(5))).count(wLong("wcounts"))
                .toStream().to("output", Produced.with(tw(10), Serdes.Long())))
            .in("input").out("output", Scenario.Kind.tw(10), L).window("wcounts").bothCaching()));
        l.add(grace5Inputs(Scenario.of("window-tumbling-onwindowclose")
            .desc(SRC + ".windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5))).emitStrategy(EmitStrategy.onWindowClose()).count(Materialized.as(\"wcounts\"))"
                + String.format(TW_OUT, 10, "Serdes.Long()") + NOTE)
            .dsl(b -> grouped(b).windowedBy(TimeWindows.ofSizeAndGrace(ofMillis(10), ofMillis(5))).emitStrategy(EmitStrategy.onWindowClose())
                .count(wLong("wcounts")).toStream().to("output", Produced.with(tw(10), Serdes.Long())))
            .in("input").out("output", Scenario.Kind.tw(10), L).window("wcounts").bothCaching()));
        l.add(hoppingInputs(Scenario.of("window-hopping-onwindowclose")
            .desc(SRC + ".windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5)).advanceBy(Duration.ofMillis(5))).emitStrategy(EmitStrategy.onWindowClose()).count()"
                + String.format(TW_OUT, 10, "Serdes.Long()") + NOTE)
            .dsl(b -> grouped(b).windowedBy(TimeWindows.ofSizeAndGrace(ofMillis(10), ofMillis(5)).advanceBy(ofMillis(5))).emitStrategy(EmitStrategy.onWindowClose())
                .count().toStream().to("output", Produced.with(tw(10), Serdes.Long())))
            .in("input").out("output", Scenario.Kind.tw(10), L).bothCaching()));
        l.add(grace5Inputs(Scenario.of("window-suppress-untilwindowcloses")
            .desc(SRC + ".windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5))).count(Materialized.as(\"wcounts\"))"
                + ".suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))" + String.format(TW_OUT, 10, "Serdes.Long()") + NOTE)
            .dsl(b -> grouped(b).windowedBy(TimeWindows.ofSizeAndGrace(ofMillis(10), ofMillis(5))).count(wLong("wcounts"))
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
                .toStream().to("output", Produced.with(tw(10), Serdes.Long())))
            .in("input").out("output", Scenario.Kind.tw(10), L).window("wcounts").bothCaching()));
        l.add(Scenario.of("suppress-timelimit")
            .desc("builder.stream(\"input\").groupByKey().count(Materialized.as(\"counts\"))"
                + ".suppress(Suppressed.untilTimeLimit(Duration.ofMillis(10), Suppressed.BufferConfig.maxRecords(2).emitEarlyWhenFull()))"
                + ".toStream().to(\"output\", Produced.with(Serdes.String(), Serdes.Long())); default serdes String. "
                + "Steps interleave record pipes with advanceWallClock (driver.advanceWallClockTime) to show the time limit follows stream time, not wall-clock time.")
            .dsl(b -> grouped(b).count(AggregationScenarios.longStore("counts"))
                .suppress(Suppressed.untilTimeLimit(ofMillis(10), Suppressed.BufferConfig.maxRecords(2).emitEarlyWhenFull()))
                .toStream().to("output", AggregationScenarios.LONG_OUT))
            .in("input").out("output", S, L).kv("counts").bothCaching()
            .p("a", "1", 0).p("a", "2", 1).p("b", "3", 2)
            .advance(1000)                       // wall clock: no emission expected
            .p("a", "4", 9)
            .p("a", "5", 10)                     // a buffered at 9? time limit is measured from the buffered record's time
            .p("c", "6", 11)                     // 3 distinct keys -> buffer over 2 records -> emit early
            .p("d", "7", 12)
            .advance(1000)
            .p("b", "8", 25)                     // stream time 25: everything buffered at <= 15 expires
            .p("a", "9", 26).p("a", "1", 27).p("a", "2", 36).p("e", "3", 5).p("e", "4", 50)
            .advance(60000));
        // ---------- sliding ----------
        l.add(slidingInputs(Scenario.of("sliding-count")
            .desc(SRC + ".windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(5))).count(Materialized.as(\"scounts\"))"
                + String.format(TW_OUT, 10, "Serdes.Long()") + NOTE + " (sliding windows are [start, start+10] inclusive; the windowed serde with size 10 reconstructs end = start + 10)")
            .dsl(b -> grouped(b).windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(ofMillis(10), ofMillis(5))).count(wLong("scounts"))
                .toStream().to("output", Produced.with(tw(10), Serdes.Long())))
            .in("input").out("output", Scenario.Kind.tw(10), L).window("scounts").bothCaching()));
        l.add(slidingInputs(Scenario.of("sliding-reduce")
            .desc(SRC + ".windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(5))).reduce((agg, v) -> agg + \",\" + v, Materialized.as(\"sreduce\"))"
                + String.format(TW_OUT, 10, "Serdes.String()") + NOTE)
            .dsl(b -> grouped(b).windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(ofMillis(10), ofMillis(5))).reduce((agg, v) -> agg + "," + v, wStr("sreduce"))
                .toStream().to("output", Produced.with(tw(10), Serdes.String())))
            .in("input").out("output", Scenario.Kind.tw(10), S).window("sreduce").bothCaching()));
        l.add(Scenario.of("sliding-javadoc-example")
            .desc(SRC + ".windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(Duration.ofMillis(5000))).aggregate(() -> \"\", (k, v, agg) -> agg + \"[\" + v + \"]\", Materialized.as(\"sagg\"))"
                + String.format(TW_OUT, 5000, "Serdes.String()") + " The SlidingWindows javadoc example: A=1@8000, A=2@9200, A=3@12400; "
                + "javadoc lists windows [3000;8000]=[1], [4200;9200]=[1,2], [7400;12400]=[1,2,3], [8001;13001]=[2,3], [9201;14201]=[3].")
            .dsl(b -> grouped(b).windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(ofMillis(5000)))
                .aggregate(() -> "", (k, v, agg) -> agg + "[" + v + "]", wStr("sagg"))
                .toStream().to("output", Produced.with(tw(5000), Serdes.String())))
            .in("input").out("output", Scenario.Kind.tw(5000), S).window("sagg").bothCaching()
            .p("A", "1", 8000).p("A", "2", 9200).p("A", "3", 12400));
        l.add(slidingInputs(Scenario.of("sliding-onwindowclose")
            .desc(SRC + ".windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(5))).emitStrategy(EmitStrategy.onWindowClose()).count()"
                + String.format(TW_OUT, 10, "Serdes.Long()") + NOTE)
            .dsl(b -> grouped(b).windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(ofMillis(10), ofMillis(5))).emitStrategy(EmitStrategy.onWindowClose()).count()
                .toStream().to("output", Produced.with(tw(10), Serdes.Long())))
            .in("input").out("output", Scenario.Kind.tw(10), L).bothCaching()));
        // ---------- session ----------
        l.add(sessionInputs(Scenario.of("session-count")
            .desc(SRC + ".windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(5), Duration.ofMillis(2))).count(Materialized.as(\"sessions\"))"
                + String.format(SW_OUT, "Serdes.Long()") + NOTE + " Session windows are [first, last] record timestamps (inclusive).")
            .dsl(b -> grouped(b).windowedBy(SessionWindows.ofInactivityGapAndGrace(ofMillis(5), ofMillis(2))).count(sLong("sessions"))
                .toStream().to("output", Produced.with(sw(), Serdes.Long())))
            .in("input").out("output", Scenario.Kind.SW, L).session("sessions").bothCaching()));
        l.add(sessionInputs(Scenario.of("session-reduce")
            .desc(SRC + ".windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(5), Duration.ofMillis(2))).reduce((agg, v) -> agg + \",\" + v, Materialized.as(\"sessions\"))"
                + String.format(SW_OUT, "Serdes.String()") + NOTE)
            .dsl(b -> grouped(b).windowedBy(SessionWindows.ofInactivityGapAndGrace(ofMillis(5), ofMillis(2))).reduce((agg, v) -> agg + "," + v, sStr("sessions"))
                .toStream().to("output", Produced.with(sw(), Serdes.String())))
            .in("input").out("output", Scenario.Kind.SW, S).session("sessions").bothCaching()));
        l.add(sessionInputs(Scenario.of("session-aggregate")
            .desc(SRC + ".windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(5), Duration.ofMillis(2))).aggregate(() -> \"\", "
                + "(k, v, agg) -> agg + v, (k, left, right) -> left + \"|\" + right, Materialized.as(\"sessions\"))"
                + String.format(SW_OUT, "Serdes.String()") + NOTE + " The merger (k, left, right) -> left + \"|\" + right shows merge order.")
            .dsl(b -> grouped(b).windowedBy(SessionWindows.ofInactivityGapAndGrace(ofMillis(5), ofMillis(2)))
                .aggregate(() -> "", (k, v, agg) -> agg + v, (k, left, right) -> left + "|" + right, sStr("sessions"))
                .toStream().to("output", Produced.with(sw(), Serdes.String())))
            .in("input").out("output", Scenario.Kind.SW, S).session("sessions").bothCaching()));
        l.add(sessionInputs(Scenario.of("session-onwindowclose")
            .desc(SRC + ".windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(5), Duration.ofMillis(2))).emitStrategy(EmitStrategy.onWindowClose()).count()"
                + String.format(SW_OUT, "Serdes.Long()") + NOTE)
            .dsl(b -> grouped(b).windowedBy(SessionWindows.ofInactivityGapAndGrace(ofMillis(5), ofMillis(2))).emitStrategy(EmitStrategy.onWindowClose()).count()
                .toStream().to("output", Produced.with(sw(), Serdes.Long())))
            .in("input").out("output", Scenario.Kind.SW, L).bothCaching()));
        // ---------- seeded random ----------
        List<String> in = List.of("input");
        l.add(Inputs.random(Scenario.of("window-tumbling-random")
            .desc(SRC + ".windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5))).aggregate(() -> 0L, (k, v, agg) -> agg + Long.parseLong(v), "
                + "Materialized.as(\"wagg\").withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))" + String.format(TW_OUT, 10, "Serdes.Long()") + NOTE)
            .dsl(b -> grouped(b).windowedBy(TimeWindows.ofSizeAndGrace(ofMillis(10), ofMillis(5)))
                .aggregate(() -> 0L, (k, v, agg) -> agg + Long.parseLong(v), wLong("wagg"))
                .toStream().to("output", Produced.with(tw(10), Serdes.Long())))
            .in("input").out("output", Scenario.Kind.tw(10), L).window("wagg").bothCaching(), 101, 200, in));
        l.add(Inputs.random(Scenario.of("window-hopping-random")
            .desc(SRC + ".windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5)).advanceBy(Duration.ofMillis(5))).count(Materialized.as(\"wcounts\"))"
                + String.format(TW_OUT, 10, "Serdes.Long()") + NOTE)
            .dsl(b -> grouped(b).windowedBy(TimeWindows.ofSizeAndGrace(ofMillis(10), ofMillis(5)).advanceBy(ofMillis(5))).count(wLong("wcounts"))
                .toStream().to("output", Produced.with(tw(10), Serdes.Long())))
            .in("input").out("output", Scenario.Kind.tw(10), L).window("wcounts").bothCaching(), 102, 200, in));
        l.add(Inputs.random(Scenario.of("window-suppress-random")
            .desc(SRC + ".windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5))).count(Materialized.with(Serdes.String(), Serdes.Long()))"
                + ".suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))" + String.format(TW_OUT, 10, "Serdes.Long()") + NOTE)
            .dsl(b -> grouped(b).windowedBy(TimeWindows.ofSizeAndGrace(ofMillis(10), ofMillis(5)))
                .count(Materialized.<String, Long, WindowStore<Bytes, byte[]>>with(Serdes.String(), Serdes.Long()))
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
                .toStream().to("output", Produced.with(tw(10), Serdes.Long())))
            .in("input").out("output", Scenario.Kind.tw(10), L), 103, 200, in));
        l.add(Inputs.random(Scenario.of("sliding-random")
            .desc(SRC + ".windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(5))).aggregate(() -> 0L, (k, v, agg) -> agg + Long.parseLong(v), "
                + "Materialized.as(\"sagg\").withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))" + String.format(TW_OUT, 10, "Serdes.Long()") + NOTE)
            .dsl(b -> grouped(b).windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(ofMillis(10), ofMillis(5)))
                .aggregate(() -> 0L, (k, v, agg) -> agg + Long.parseLong(v), wLong("sagg"))
                .toStream().to("output", Produced.with(tw(10), Serdes.Long())))
            .in("input").out("output", Scenario.Kind.tw(10), L).window("sagg").bothCaching(), 104, 200, in));
        l.add(Inputs.random(Scenario.of("session-random")
            .desc(SRC + ".windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(5), Duration.ofMillis(2))).aggregate(() -> \"\", "
                + "(k, v, agg) -> agg + v, (k, left, right) -> left + \"|\" + right, Materialized.as(\"sessions\"))"
                + String.format(SW_OUT, "Serdes.String()") + NOTE)
            .dsl(b -> grouped(b).windowedBy(SessionWindows.ofInactivityGapAndGrace(ofMillis(5), ofMillis(2)))
                .aggregate(() -> "", (k, v, agg) -> agg + v, (k, left, right) -> left + "|" + right, sStr("sessions"))
                .toStream().to("output", Produced.with(sw(), Serdes.String())))
            .in("input").out("output", Scenario.Kind.SW, S).session("sessions").bothCaching(), 105, 200, in));
        return l;
    }
}
