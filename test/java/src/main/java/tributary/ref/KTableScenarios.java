package tributary.ref;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

final class KTableScenarios {
    private KTableScenarios() {}

    static Materialized<String, String, KeyValueStore<Bytes, byte[]>> mat(String name) {
        return Materialized.as(name);
    }

    /** Inputs shared by all table scenarios: tombstones, repeated values, out-of-order timestamps. */
    static Scenario tableInputs(Scenario s) {
        return s
            .p("a", "1", 10)      // insert
            .p("b", "7", 11)      // insert
            .p("a", "1", 12)      // same value repeated
            .p("a", "8", 13)      // update
            .p("c", null, 14)     // tombstone for a key never seen
            .p("a", null, 15)     // delete
            .p("a", null, 16)     // delete again (already absent)
            .p("b", "9", 5)       // out-of-order timestamp update
            .p("b", "3", 20)      // update to value that fails filter
            .p("b", "3", 21)      // same failing value again
            .p("b", "12", 22)     // back to passing
            .p("d", "2", 23)      // insert failing filter
            .p("d", null, 24)     // delete a filtered-out key
            .p(null, "5", 25)     // null key: dropped by table source
            .p("e", "6", 26)
            .p("e", "6", 26)      // identical value AND timestamp (KIP-557 emit-on-change candidate)
            .p("e", "6", 25);     // identical value, older timestamp
    }

    static List<Scenario> all() {
        List<Scenario> l = new ArrayList<>();
        String inputsNote = " Values are decimal numbers as Strings. All serdes String (defaults).";
        l.add(tableInputs(Scenario.of("ktable-source-materialized")
            .desc("builder.table(\"input\", Materialized.as(\"table-store\")).toStream().to(\"output\");" + inputsNote)
            .dsl(b -> b.table("input", mat("table-store")).toStream().to("output"))
            .in("input").out("output").kv("table-store").bothCaching()));
        l.add(tableInputs(Scenario.of("ktable-source")
            .desc("builder.table(\"input\").toStream().to(\"output\"); (source KTable not explicitly materialized)" + inputsNote)
            .dsl(b -> b.<String, String>table("input").toStream().to("output"))
            .in("input").out("output").bothCaching()));
        l.add(tableInputs(Scenario.of("ktable-filter")
            .desc("builder.table(\"input\").filter((k, v) -> Long.parseLong(v) > 5).toStream().to(\"output\");" + inputsNote)
            .dsl(b -> b.<String, String>table("input").filter((k, v) -> Long.parseLong(v) > 5).toStream().to("output"))
            .in("input").out("output").bothCaching()));
        l.add(tableInputs(Scenario.of("ktable-filter-source-materialized")
            .desc("builder.table(\"input\", Materialized.as(\"source-store\")).filter((k, v) -> Long.parseLong(v) > 5).toStream().to(\"output\");" + inputsNote)
            .dsl(b -> b.table("input", mat("source-store")).filter((k, v) -> Long.parseLong(v) > 5).toStream().to("output"))
            .in("input").out("output").kv("source-store").bothCaching()));
        l.add(tableInputs(Scenario.of("ktable-filter-materialized")
            .desc("builder.table(\"input\").filter((k, v) -> Long.parseLong(v) > 5, Materialized.as(\"filtered-store\")).toStream().to(\"output\");" + inputsNote)
            .dsl(b -> b.<String, String>table("input").filter((k, v) -> Long.parseLong(v) > 5, mat("filtered-store")).toStream().to("output"))
            .in("input").out("output").kv("filtered-store").bothCaching()));
        l.add(tableInputs(Scenario.of("ktable-filternot")
            .desc("builder.table(\"input\").filterNot((k, v) -> Long.parseLong(v) > 5).toStream().to(\"output\");" + inputsNote)
            .dsl(b -> b.<String, String>table("input").filterNot((k, v) -> Long.parseLong(v) > 5).toStream().to("output"))
            .in("input").out("output").bothCaching()));
        l.add(tableInputs(Scenario.of("ktable-mapvalues")
            .desc("builder.table(\"input\").mapValues(v -> v + \"!\").toStream().to(\"output\");" + inputsNote)
            .dsl(b -> b.<String, String>table("input").mapValues(v -> v + "!").toStream().to("output"))
            .in("input").out("output").bothCaching()));
        l.add(tableInputs(Scenario.of("ktable-mapvalues-materialized")
            .desc("builder.table(\"input\", Materialized.as(\"source-store\")).mapValues(v -> v + \"!\", Materialized.as(\"mapped-store\")).toStream().to(\"output\");" + inputsNote)
            .dsl(b -> b.table("input", mat("source-store")).mapValues(v -> v + "!", mat("mapped-store")).toStream().to("output"))
            .in("input").out("output").kv("source-store").kv("mapped-store").bothCaching()));
        l.add(tableInputs(Scenario.of("ktable-filter-chain")
            .desc("KTable t = builder.table(\"input\", Materialized.as(\"source-store\")); "
                + "t.filter((k, v) -> Long.parseLong(v) > 5).mapValues(v -> \"v\" + v).filter((k, v) -> !v.equals(\"v8\")).toStream().to(\"output\");" + inputsNote)
            .dsl(b -> {
                KTable<String, String> t = b.table("input", mat("source-store"));
                t.filter((k, v) -> Long.parseLong(v) > 5).mapValues(v -> "v" + v).filter((k, v) -> !v.equals("v8")).toStream().to("output");
            })
            .in("input").out("output").kv("source-store").bothCaching()));
        l.add(tableInputs(Scenario.of("stream-totable")
            .desc("builder.stream(\"input\").toTable(Materialized.as(\"table-store\")).toStream().to(\"output\");" + inputsNote)
            .dsl(b -> b.<String, String>stream("input").toTable(mat("table-store")).toStream().to("output"))
            .in("input").out("output").kv("table-store").bothCaching()));
        return l;
    }
}
