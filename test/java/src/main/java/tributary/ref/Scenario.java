package tributary.ref;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.streams.StreamsBuilder;

/** One reference scenario: a DSL topology, its input/output topic serdes, the steps to drive, stores to dump. */
final class Scenario {
    /** Serde kinds. STRING/LONG for plain keys/values; TW(size) time-windowed String key; SW session-windowed String key. */
    record Kind(String name, long windowSize) {
        static final Kind STRING = new Kind("string", 0);
        static final Kind LONG = new Kind("long", 0);
        static final Kind SW = new Kind("sessionWindowed", 0);
        static Kind tw(long size) { return new Kind("timeWindowed", size); }
    }

    record TopicSpec(Kind key, Kind value) {}

    sealed interface Step permits Pipe, Advance {}
    record Pipe(String topic, Object key, Object value, long timestamp) implements Step {}
    record Advance(long ms) implements Step {}

    enum StoreType { KV, WINDOW, SESSION }

    final String name;
    String description = "";
    boolean describeOnly;
    boolean cacheVariants;
    Consumer<StreamsBuilder> dsl;
    final Map<String, Object> extraProps = new LinkedHashMap<>();
    final Map<String, TopicSpec> inputs = new LinkedHashMap<>();
    final Map<String, TopicSpec> outputs = new LinkedHashMap<>();
    final List<Step> steps = new ArrayList<>();
    final Map<String, StoreType> stores = new LinkedHashMap<>();
    /** free-form note about how the input was produced (e.g. seeded random generator) */
    String inputNote;

    Scenario(String name) { this.name = name; }

    static Scenario of(String name) { return new Scenario(name); }

    Scenario desc(String d) { this.description = d; return this; }
    Scenario dsl(Consumer<StreamsBuilder> d) { this.dsl = d; return this; }
    Scenario describeOnly() { this.describeOnly = true; return this; }
    /** Run twice: default cache (10 MiB) as NAME and statestore.cache.max.bytes=0 as NAME-nocache. */
    Scenario bothCaching() { this.cacheVariants = true; return this; }
    Scenario prop(String k, Object v) { extraProps.put(k, v); return this; }

    Scenario in(String topic) { return in(topic, Kind.STRING, Kind.STRING); }
    Scenario in(String topic, Kind k, Kind v) { inputs.put(topic, new TopicSpec(k, v)); return this; }
    Scenario out(String topic) { return out(topic, Kind.STRING, Kind.STRING); }
    Scenario out(String topic, Kind k, Kind v) { outputs.put(topic, new TopicSpec(k, v)); return this; }

    Scenario kv(String store) { stores.put(store, StoreType.KV); return this; }
    Scenario window(String store) { stores.put(store, StoreType.WINDOW); return this; }
    Scenario session(String store) { stores.put(store, StoreType.SESSION); return this; }

    Scenario pipe(String topic, Object key, Object value, long ts) { steps.add(new Pipe(topic, key, value, ts)); return this; }
    /** pipe to the only / first input topic */
    Scenario p(Object key, Object value, long ts) { return pipe(inputs.keySet().iterator().next(), key, value, ts); }
    Scenario advance(long ms) { steps.add(new Advance(ms)); return this; }
    Scenario note(String n) { this.inputNote = n; return this; }
}
