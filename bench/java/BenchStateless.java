import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The Java side of benchmark B1 (bench/java-b1.sh runs it against a local single-node KRaft broker):
 *   fill <bootstrap> <topic> <records>       4 partitions, keys user-N uniform(1M), JSON events of ~110 bytes
 *                                             (user, type, page, amount 0..100, ts, session), as bench/lib/gen.ts json120
 *   run  <bootstrap> <topic> <records> <appId> <threads>
 * `run` is filter(amount < 50) -> mapValues(project) -> to(out) with Jackson for JSON, at_least_once, and prints
 * records / seconds from RUNNING to the end of close() (a peek at the source counts the records processed).
 */
public class BenchStateless {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String[] TYPES = {"view", "click", "purchase", "search", "scroll"};

    public static void main(String[] args) throws Exception {
        if (args[0].equals("fill")) fill(args[1], args[2], Integer.parseInt(args[3]));
        else run(args[1], args[2], Long.parseLong(args[3]), args[4], Integer.parseInt(args[5]));
    }

    static void fill(String bootstrap, String topic, int n) throws Exception {
        Properties a = new Properties();
        a.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(a)) {
            admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1), new NewTopic(topic + "-out", 4, (short) 1))).all().get();
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        Random r = new Random(1000);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                int u = r.nextInt(1_000_000);
                ObjectNode e = JSON.createObjectNode();
                e.put("user", "user-" + u);
                e.put("type", TYPES[r.nextInt(TYPES.length)]);
                e.put("page", "/p/" + r.nextInt(10_000));
                e.put("amount", Math.round(r.nextDouble() * 10_000) / 100.0);
                e.put("ts", 1_700_000_000_000L + i);
                e.put("session", Long.toString((long) (r.nextDouble() * (1L << 48)), 36));
                producer.send(new ProducerRecord<>(topic, null, 1_700_000_000_000L + i, "user-" + u, JSON.writeValueAsBytes(e)));
            }
            producer.flush();
        }
    }

    static void run(String bootstrap, String topic, long n, String appId, int threads) throws Exception {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        p.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/bench-stateless-" + appId);
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        AtomicLong seen = new AtomicLong();
        StreamsBuilder b = new StreamsBuilder();
        b.stream(topic, Consumed.with(Serdes.String(), Serdes.ByteArray()))
            .peek((k, v) -> seen.incrementAndGet())
            .mapValues(BenchStateless::parse)
            .filter((k, v) -> v.get("amount").asDouble() < 50)
            .mapValues(BenchStateless::project)
            .to(topic + "-out", Produced.with(Serdes.String(), Serdes.ByteArray()));
        KafkaStreams streams = new KafkaStreams(b.build(), p);
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, old) -> { if (now == KafkaStreams.State.RUNNING) running.countDown(); });
        streams.start();
        if (!running.await(120, TimeUnit.SECONDS)) throw new IllegalStateException("not RUNNING after 120 s");
        long t0 = System.nanoTime();
        while (seen.get() < n) Thread.sleep(5);
        streams.close(Duration.ofMinutes(5));
        double seconds = (System.nanoTime() - t0) / 1e9;
        streams.cleanUp();
        System.out.printf("{\"recPerSec\": %.0f, \"seconds\": %.2f}%n", n / seconds, seconds);
    }

    static JsonNode parse(byte[] v) {
        try {
            return JSON.readTree(v);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    static byte[] project(JsonNode v) {
        ObjectNode o = JSON.createObjectNode();
        o.set("user", v.get("user"));
        o.set("page", v.get("page"));
        o.put("cents", Math.round(v.get("amount").asDouble() * 100));
        o.set("ts", v.get("ts"));
        try {
            return JSON.writeValueAsBytes(o);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
