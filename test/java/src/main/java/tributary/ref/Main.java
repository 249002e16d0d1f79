package tributary.ref;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.WindowedSerdes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Runs every scenario in {@link Scenarios} through Kafka Streams' TopologyTestDriver and writes
 * test/fixtures/java/&lt;scenario&gt;.json. Args: [outputDir] [nameFilter...] (substring match).
 */
public final class Main {
    static final long DEFAULT_CACHE = 10L * 1024 * 1024;

    public static void main(String[] args) throws Exception {
        Path outDir = Path.of(args.length > 0 ? args[0] : "test/fixtures/java");
        List<String> filters = new ArrayList<>();
        for (int i = 1; i < args.length; i++) filters.add(args[i]);
        Files.createDirectories(outDir);
        List<Scenario> all = Scenarios.all();
        Set<String> seen = new TreeSet<>();
        int written = 0;
        for (Scenario s : all) {
            if (!seen.add(s.name)) throw new IllegalStateException("duplicate scenario " + s.name);
            if (!filters.isEmpty() && filters.stream().noneMatch(f -> s.name.contains(f))) continue;
            if (s.describeOnly) {
                write(outDir, s.name, describeOnly(s));
                written++;
            } else {
                write(outDir, s.name, run(s, s.name, DEFAULT_CACHE));
                written++;
                if (s.cacheVariants) {
                    write(outDir, s.name + "-nocache", run(s, s.name + "-nocache", 0L));
                    written++;
                }
            }
        }
        System.out.println("wrote " + written + " fixtures to " + outDir);
    }

    static void write(Path dir, String name, Map<String, Object> fixture) throws Exception {
        Files.writeString(dir.resolve(name + ".json"), Json.write(fixture, 2), StandardCharsets.UTF_8);
    }

    static Topology build(Scenario s, Properties props) {
        StreamsBuilder b = new StreamsBuilder();
        s.dsl.accept(b);
        return b.build(props);
    }

    static Map<String, Object> describeOnly(Scenario s) {
        Properties props = props(s, DEFAULT_CACHE);
        Topology t = build(s, props);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("scenario", s.name);
        f.put("description", s.description);
        f.put("config", configJson(s, DEFAULT_CACHE));
        f.put("topology", t.describe().toString());
        return f;
    }

    static Properties props(Scenario s, long cache) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:1234");
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, cache);
        p.put(StreamsConfig.InternalConfig.EMIT_INTERVAL_MS_KSTREAMS_WINDOWED_AGGREGATION, 0L);
        p.put(StreamsConfig.InternalConfig.EMIT_INTERVAL_MS_KSTREAMS_OUTER_JOIN_SPURIOUS_RESULTS_FIX, 0L);
        p.putAll(s.extraProps);
        return p;
    }

    static Map<String, Object> configJson(Scenario s, long cache) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("cacheMaxBytes", cache);
        c.put("application.id", "app");
        c.put("default.key.serde", "String");
        c.put("default.value.serde", "String");
        c.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, cache);
        c.put(StreamsConfig.InternalConfig.EMIT_INTERVAL_MS_KSTREAMS_WINDOWED_AGGREGATION, 0L);
        c.put(StreamsConfig.InternalConfig.EMIT_INTERVAL_MS_KSTREAMS_OUTER_JOIN_SPURIOUS_RESULTS_FIX, 0L);
        c.put("initialWallClockMs", 0L);
        for (Map.Entry<String, Object> e : s.extraProps.entrySet()) c.put(e.getKey(), e.getValue());
        return c;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Serializer ser(Scenario.Kind k) {
        return switch (k.name()) {
            case "string" -> Serdes.String().serializer();
            case "long" -> Serdes.Long().serializer();
            default -> throw new IllegalArgumentException("input kind " + k);
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Deserializer deser(Scenario.Kind k) {
        return switch (k.name()) {
            case "string" -> Serdes.String().deserializer();
            case "long" -> Serdes.Long().deserializer();
            case "timeWindowed" -> WindowedSerdes.timeWindowedSerdeFrom(String.class, k.windowSize()).deserializer();
            case "sessionWindowed" -> WindowedSerdes.sessionWindowedSerdeFrom(String.class).deserializer();
            default -> throw new IllegalArgumentException("kind " + k);
        };
    }

    static Map<String, Object> kindJson(Scenario.TopicSpec t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", t.key().name());
        if (t.key().windowSize() > 0) m.put("windowSize", t.key().windowSize());
        m.put("value", t.value().name());
        return m;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Map<String, Object> run(Scenario s, String name, long cache) {
        Properties props = props(s, cache);
        Topology topology = build(s, props);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("scenario", name);
        f.put("description", s.description);
        f.put("config", configJson(s, cache));
        f.put("topology", topology.describe().toString());
        Map<String, Object> inputs = new LinkedHashMap<>();
        s.inputs.forEach((t, spec) -> inputs.put(t, kindJson(spec)));
        Map<String, Object> outputs = new LinkedHashMap<>();
        s.outputs.forEach((t, spec) -> outputs.put(t, kindJson(spec)));
        f.put("inputs", inputs);
        f.put("outputs", outputs);
        if (s.inputNote != null) f.put("inputNote", s.inputNote);
        List<Object> steps = new ArrayList<>();
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props, Instant.ofEpochMilli(0))) {
            Map<String, TestInputTopic> in = new LinkedHashMap<>();
            s.inputs.forEach((t, spec) -> in.put(t, driver.createInputTopic(t, ser(spec.key()), ser(spec.value()))));
            Map<String, TestOutputTopic> out = new LinkedHashMap<>();
            s.outputs.forEach((t, spec) -> out.put(t, driver.createOutputTopic(t, deser(spec.key()), deser(spec.value()))));
            for (Scenario.Step step : s.steps) {
                Map<String, Object> js = new LinkedHashMap<>();
                if (step instanceof Scenario.Pipe p) {
                    TestInputTopic it = in.get(p.topic());
                    if (it == null) throw new IllegalArgumentException(name + ": unknown input topic " + p.topic());
                    it.pipeInput(p.key(), p.value(), p.timestamp());
                    Map<String, Object> pj = new LinkedHashMap<>();
                    pj.put("topic", p.topic());
                    pj.put("key", p.key());
                    pj.put("value", p.value());
                    pj.put("timestamp", p.timestamp());
                    js.put("pipe", pj);
                } else if (step instanceof Scenario.Advance a) {
                    driver.advanceWallClockTime(Duration.ofMillis(a.ms()));
                    js.put("advanceWallClock", a.ms());
                }
                Map<String, Object> o = new LinkedHashMap<>();
                for (Map.Entry<String, TestOutputTopic> e : out.entrySet()) {
                    List<Object> recs = new ArrayList<>();
                    for (Object r : e.getValue().readRecordsToList()) {
                        TestRecord tr = (TestRecord) r;
                        Map<String, Object> rj = new LinkedHashMap<>();
                        rj.put("key", tr.key());
                        rj.put("value", tr.value());
                        rj.put("timestamp", tr.timestamp());
                        recs.add(rj);
                    }
                    o.put(e.getKey(), recs);
                }
                js.put("out", o);
                steps.add(js);
            }
            for (String t : driver.producedTopicNames()) {
                if (!s.outputs.containsKey(t) && !t.startsWith("app-")) {
                    throw new IllegalStateException(name + ": topology produced to undeclared topic " + t);
                }
            }
            f.put("steps", steps);
            if (!s.stores.isEmpty()) {
                Map<String, Object> stores = new LinkedHashMap<>();
                for (Map.Entry<String, Scenario.StoreType> e : s.stores.entrySet()) {
                    List<Object> rows = new ArrayList<>();
                    KeyValueIterator<?, ?> iter = switch (e.getValue()) {
                        case KV -> driver.getKeyValueStore(e.getKey()).all();
                        case WINDOW -> driver.getWindowStore(e.getKey()).all();
                        case SESSION -> driver.getSessionStore(e.getKey()).fetch((Object) null, (Object) null);
                    };
                    try (KeyValueIterator<?, ?> it = iter) {
                        while (it.hasNext()) {
                            KeyValue<?, ?> kv = it.next();
                            List<Object> row = new ArrayList<>();
                            row.add(kv.key);
                            row.add(kv.value);
                            rows.add(row);
                        }
                    }
                    stores.put(e.getKey(), rows);
                }
                f.put("stores", stores);
            }
        }
        return f;
    }
}
