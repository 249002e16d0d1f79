package tributary.interchange;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.processor.internals.TopicPartitionMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.SessionStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Java side of test/kafka/interchange.test.ts (run by scripts/java-interchange.sh): Apache Kafka's own clients and
 * Kafka Streams 4.4 against a broker, so that the test compares bytes with a client that is not ours.
 *   produce BOOTSTRAP TOPIC KEYSERDE VALUESERDE       stdin lines "key\tvalue[\ttimestamp]" (default partitioner,
 *                                                      murmur2); prints {"key","partition","offset"} per record
 *   consume BOOTSTRAP TOPIC KEYSERDE VALUESERDE       read_committed, every partition from the beginning to the end
 *                                                      offsets (last stable offsets) taken at start; prints one JSON
 *                                                      line per record: partition, offset, timestamp, key, value
 *                                                      (decoded), keyHex, valueHex, headers [[name, hex]]
 *   streams BOOTSTRAP APPID RECORDS STATEDIR          runs the interchange topology (below, the same as
 *                                                      test/kafka/apps/interchange-app.ts) at_least_once with caching
 *                                                      off until it has sent RECORDS output records (both outputs), then closes
 *   committed BOOTSTRAP GROUP TOPIC                   the group's committed offsets of every partition of TOPIC (a
 *                                                      consumer that does not join): one JSON line per committed
 *                                                      partition: partition, offset, metadata (the string) and
 *                                                      partitionTime, as Kafka Streams' TopicPartitionMetadata.decode
 *                                                      reads the metadata (what StreamTask.initializeTaskTime restores)
 * SERDE: string | long | bytes (bytes: no decoded form, only the hex).
 */
public final class Interchange {
    private Interchange() {}

    public static void main(String[] args) throws Exception {
        switch (args.length > 0 ? args[0] : "") {
            case "produce" -> produce(args[1], args[2], args[3], args[4]);
            case "consume" -> consume(args[1], args[2], args[3], args[4]);
            case "streams" -> streams(args[1], args[2], Long.parseLong(args[3]), args[4]);
            case "committed" -> committed(args[1], args[2], args[3]);
            default -> {
                System.err.println("usage: produce|consume|streams|committed ... (see Interchange.java)");
                System.exit(2);
            }
        }
    }

    @SuppressWarnings("unchecked")
    static <T> Serializer<T> serializer(String kind) {
        return (Serializer<T>) switch (kind) {
            case "string" -> Serdes.String().serializer();
            case "long" -> Serdes.Long().serializer();
            default -> throw new IllegalArgumentException("serde " + kind + ": expected string or long");
        };
    }

    static Object parse(String kind, String text) {
        return kind.equals("long") ? Long.valueOf(Long.parseLong(text)) : text;
    }

    static Deserializer<?> deserializer(String kind) {
        return switch (kind) {
            case "string" -> Serdes.String().deserializer();
            case "long" -> Serdes.Long().deserializer();
            case "bytes" -> null;
            default -> throw new IllegalArgumentException("serde " + kind + ": expected string, long or bytes");
        };
    }

    static void produce(String bootstrap, String topic, String keyKind, String valueKind) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        List<String> keys = new ArrayList<>();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<Object, Object> producer = new KafkaProducer<>(p, serializer(keyKind), serializer(valueKind));
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isEmpty()) continue;
                String[] f = line.split("\t", -1);
                Long ts = f.length > 2 ? Long.valueOf(Long.parseLong(f[2])) : null;
                keys.add(f[0]);
                sent.add(producer.send(new ProducerRecord<>(topic, null, ts, parse(keyKind, f[0]), parse(valueKind, f[1]))));
            }
            producer.flush();
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < sent.size(); i++) {
                RecordMetadata m = sent.get(i).get();
                out.append("{\"key\":").append(str(keys.get(i))).append(",\"partition\":").append(m.partition())
                    .append(",\"offset\":").append(m.offset()).append("}\n");
            }
            System.out.print(out);
        }
    }

    static void consume(String bootstrap, String topic, String keyKind, String valueKind) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Deserializer<?> kd = deserializer(keyKind);
        Deserializer<?> vd = deserializer(valueKind);
        StringBuilder out = new StringBuilder();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo i : consumer.partitionsFor(topic, Duration.ofSeconds(30))) parts.add(new TopicPartition(topic, i.partition()));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(parts));
            long deadline = System.currentTimeMillis() + 60_000;
            while (parts.stream().anyMatch((tp) -> consumer.position(tp) < end.get(tp))) {
                if (System.currentTimeMillis() > deadline) throw new IllegalStateException("consume " + topic + ": the end offsets " + end + " were not reached within 60 s");
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.append("{\"partition\":").append(r.partition()).append(",\"offset\":").append(r.offset())
                        .append(",\"timestamp\":").append(r.timestamp())
                        .append(",\"key\":").append(decoded(kd, topic, r.key()))
                        .append(",\"value\":").append(decoded(vd, topic, r.value()))
                        .append(",\"keyHex\":").append(hex(r.key())).append(",\"valueHex\":").append(hex(r.value()))
                        .append(",\"headers\":[");
                    boolean first = true;
                    for (Header h : r.headers()) {
                        out.append(first ? "" : ",").append('[').append(str(h.key())).append(',').append(hex(h.value())).append(']');
                        first = false;
                    }
                    out.append("]}\n");
                }
            }
        }
        System.out.print(out);
    }

    static void committed(String bootstrap, String group, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        StringBuilder out = new StringBuilder();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            java.util.Set<TopicPartition> parts = new java.util.TreeSet<>(java.util.Comparator.comparingInt(TopicPartition::partition));
            for (PartitionInfo i : consumer.partitionsFor(topic, Duration.ofSeconds(30))) parts.add(new TopicPartition(topic, i.partition()));
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(parts, Duration.ofSeconds(30));
            for (TopicPartition tp : parts) {
                OffsetAndMetadata m = committed.get(tp);
                if (m == null) continue;
                out.append("{\"partition\":").append(tp.partition()).append(",\"offset\":").append(m.offset())
                    .append(",\"metadata\":").append(m.metadata() == null ? "null" : str(m.metadata()))
                    .append(",\"partitionTime\":").append(TopicPartitionMetadata.decode(m.metadata()).partitionTime()).append("}\n");
            }
        }
        System.out.print(out);
    }

    static String decoded(Deserializer<?> d, String topic, byte[] bytes) {
        if (d == null || bytes == null) return "null";
        Object v = d.deserialize(topic, bytes);
        return v instanceof String s ? str(s) : String.valueOf(v);
    }

    static String hex(byte[] b) {
        if (b == null) return "null";
        StringBuilder s = new StringBuilder("\"");
        for (byte x : b) s.append(String.format("%02x", x));
        return s.append('"').toString();
    }

    static String str(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    /**
     * The interchange topology: ix-events (string keys and values) counted per key in a key-value store ("counts",
     * out to APPID-counts), in 10 s tumbling windows ("wcounts", suppressed until the window closes:
     * buffer "supp") and in sessions with a 5 s gap ("scounts"); ix-lines
     * split into words, re-keyed by word (repartition "words") and counted ("words", out to APPID-word-counts).
     */
    static void streams(String bootstrap, String appId, long records, String stateDir) throws Exception {
        Serde<String> s = Serdes.String();
        Serde<Long> l = Serdes.Long();
        AtomicLong seen = new AtomicLong();
        StreamsBuilder b = new StreamsBuilder();
        KStream<String, String> events = b.stream("ix-events", Consumed.with(s, s));
        events.groupByKey(Grouped.with(s, s)).count(Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as("counts"))
            .toStream().peek((k, v) -> seen.incrementAndGet()).to(appId + "-counts", Produced.with(s, l));
        events.groupByKey(Grouped.with(s, s)).windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofSeconds(10)))
            .count(Materialized.<String, Long, WindowStore<Bytes, byte[]>>as("wcounts"))
            .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()).withName("supp"));
        events.groupByKey(Grouped.with(s, s)).windowedBy(SessionWindows.ofInactivityGapWithNoGrace(Duration.ofSeconds(5)))
            .count(Materialized.<String, Long, SessionStore<Bytes, byte[]>>as("scounts"));
        b.stream("ix-lines", Consumed.with(s, s))
            .flatMapValues((line) -> List.of(line.toLowerCase().split("\\W+")).stream().filter((w) -> !w.isEmpty()).toList())
            .groupBy((k, word) -> word, Grouped.with(s, s))
            .count(Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as("words"))
            .toStream().peek((k, v) -> seen.incrementAndGet()).to(appId + "-word-counts", Produced.with(s, l));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(Path.of(stateDir)).toString());
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        try (KafkaStreams streams = new KafkaStreams(b.build(), p)) {
            streams.setUncaughtExceptionHandler((e) -> {
                e.printStackTrace();
                return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            streams.start();
            long deadline = System.currentTimeMillis() + 90_000;
            while (seen.get() < records) {
                if (System.currentTimeMillis() > deadline || streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                    throw new IllegalStateException("Kafka Streams sent " + seen.get() + " of " + records + " output records within 90 s (state " + streams.state() + ")");
                }
                Thread.sleep(100);
            }
            Thread.sleep(1000); // the window and session stores of the last event are updated after its count output
            streams.close(Duration.ofSeconds(30));
        }
        System.out.println("{\"outputs\":" + seen.get() + "}");
    }
}
