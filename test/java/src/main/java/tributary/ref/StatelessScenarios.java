package tributary.ref;

import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

final class StatelessScenarios {
    private StatelessScenarios() {}

    static List<Scenario> all() {
        Scenario chain = Scenario.of("stateless-chain")
            .desc("KStream<String,String> s = builder.stream(\"input\"); "
                + "KStream<String,String> f = s.filter((k, v) -> v != null && !v.startsWith(\"x\"))"
                + ".mapValues(v -> v.toUpperCase())"
                + ".selectKey((k, v) -> v.substring(0, 1))"
                + ".flatMap((k, v) -> List.of(KeyValue.pair(k, v), KeyValue.pair(k, v + \"!\")));"
                + " Map<String,KStream<String,String>> br = f.split(Named.as(\"split-\"))"
                + ".branch((k, v) -> k.equals(\"A\"), Branched.as(\"a\"))"
                + ".branch((k, v) -> k.equals(\"B\"), Branched.as(\"b\"))"
                + ".defaultBranch(Branched.as(\"other\"));"
                + " br.get(\"split-a\").to(\"output-a\");"
                + " br.get(\"split-b\").merge(br.get(\"split-other\").mapValues(v -> v + \"?\")).to(\"output-merged\");"
                + " All serdes String (defaults).")
            .dsl(b -> {
                KStream<String, String> s = b.stream("input");
                KStream<String, String> f = s.filter((k, v) -> v != null && !v.startsWith("x"))
                    .mapValues(v -> v.toUpperCase())
                    .selectKey((k, v) -> v.substring(0, 1))
                    .flatMap((k, v) -> List.of(KeyValue.pair(k, v), KeyValue.pair(k, v + "!")));
                Map<String, KStream<String, String>> br = f.split(Named.as("split-"))
                    .branch((k, v) -> k.equals("A"), Branched.as("a"))
                    .branch((k, v) -> k.equals("B"), Branched.as("b"))
                    .defaultBranch(Branched.as("other"));
                br.get("split-a").to("output-a");
                br.get("split-b").merge(br.get("split-other").mapValues(v -> v + "?")).to("output-merged");
            })
            .in("input").out("output-a").out("output-merged")
            .p("k1", "apple", 1).p("k2", "xray", 2).p("k3", null, 3).p(null, "banana", 4)
            .p("k4", "cherry", 5).p("k5", "avocado", 0);

        Scenario named = Scenario.of("stateless-named")
            .desc("builder.stream(\"input\", Consumed.as(\"my-source\"))"
                + ".filter((k, v) -> v != null, Named.as(\"my-filter\"))"
                + ".mapValues(v -> v + v, Named.as(\"my-map\"))"
                + ".peek((k, v) -> {}, Named.as(\"my-peek\"))"
                + ".to(\"output\", Produced.as(\"my-sink\")); All serdes String (defaults).")
            .dsl(b -> b.<String, String>stream("input", Consumed.as("my-source"))
                .filter((k, v) -> v != null, Named.as("my-filter"))
                .mapValues(v -> v + v, Named.as("my-map"))
                .peek((k, v) -> { }, Named.as("my-peek"))
                .to("output", Produced.as("my-sink")))
            .in("input").out("output")
            .p("a", "1", 5).p("b", null, 6).p(null, "2", 7);

        return List.of(chain, named);
    }
}
