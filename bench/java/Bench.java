import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
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
 * The Java side of benchmarks B1 and B2 (bench/java-b1.sh, bench/java-b2.sh run it against a local single-node
 * KRaft broker; one file so that `java Bench.java` runs it without a build):
 *   count-fill <bootstrap> <topic> <records> <keys> <uniform|zipf>   4 partitions, keys user-N, 100-byte values
 *   count      <bootstrap> <topic> <records> <appId> <cacheBytes> <threads>
 *       builder.stream(topic).groupByKey().count() (RocksDB, changelog, at_least_once, default commit interval)
 *   json-fill  <bootstrap> <topic> <records>   4 partitions, keys user-N uniform(1M), JSON events of ~110 bytes
 *       (user, type, page, amount 0..100, ts, session), as bench/lib/gen.ts json120
 *   stateless  <bootstrap> <topic> <records> <appId> <threads>
 *       filter(amount < 50) -> mapValues(project) -> to(topic-out), Jackson parsing each value once
 * The runs print one JSON line: records / seconds from RUNNING to the end of close(), as the TypeScript benchmarks
 * measure (a peek at the source counts the records processed), the JVM's CPU seconds over that span, the broker's
 * CPU ticks over it (BENCH_BROKER_PID set: bench/kafka-k1.ts) and the JVM's peak RSS.
 */
public class Bench {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String[] TYPES = {"view", "click", "purchase", "search", "scroll"};

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "count-fill" -> countFill(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]), args[5]);
            case "count" -> count(args[1], args[2], Long.parseLong(args[3]), args[4], Long.parseLong(args[5]), Integer.parseInt(args[6]));
            case "json-fill" -> jsonFill(args[1], args[2], Integer.parseInt(args[3]));
            case "stateless" -> stateless(args[1], args[2], Long.parseLong(args[3]), args[4], Integer.parseInt(args[5]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    static KafkaProducer<String, byte[]> producer(String bootstrap, String... topics) throws Exception {
        Properties a = new Properties();
        a.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(a)) {
            admin.createTopics(java.util.Arrays.stream(topics).map((t) -> new NewTopic(t, 4, (short) 1)).toList()).all().get();
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    static void countFill(String bootstrap, String topic, int n, int keys, String dist) throws Exception {
        Random r = new Random(5);
        double[] cdf = null;
        if (dist.equals("zipf")) {
            cdf = new double[keys];
            double sum = 0;
            for (int i = 0; i < keys; i++) cdf[i] = sum += 1 / Math.pow(i + 1, 0.99);
            for (int i = 0; i < keys; i++) cdf[i] /= sum;
        }
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap, topic)) {
            for (int i = 0; i < n; i++) {
                int k;
                if (cdf == null) k = r.nextInt(keys);
                else {
                    double u = r.nextDouble();
                    int lo = 0, hi = keys - 1;
                    while (lo < hi) { int mid = (lo + hi) >>> 1; if (cdf[mid] < u) lo = mid + 1; else hi = mid; }
                    k = lo;
                }
                byte[] v = new byte[100];
                r.nextBytes(v);
                producer.send(new ProducerRecord<>(topic, null, 1_700_000_000_000L + i, "user-" + k, v));
            }
            producer.flush();
        }
    }

    static void jsonFill(String bootstrap, String topic, int n) throws Exception {
        Random r = new Random(1000);
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap, topic, topic + "-out")) {
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

    static void count(String bootstrap, String topic, long n, String appId, long cacheBytes, int threads) throws Exception {
        Properties p = props(bootstrap, appId, threads);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, cacheBytes);
        AtomicLong seen = new AtomicLong();
        StreamsBuilder b = new StreamsBuilder();
        b.stream(topic, Consumed.with(Serdes.String(), Serdes.ByteArray()))
            .peek((k, v) -> seen.incrementAndGet())
            .groupByKey()
            .count();
        measure(b, p, n, seen);
    }

    static void stateless(String bootstrap, String topic, long n, String appId, int threads) throws Exception {
        AtomicLong seen = new AtomicLong();
        StreamsBuilder b = new StreamsBuilder();
        b.stream(topic, Consumed.with(Serdes.String(), Serdes.ByteArray()))
            .peek((k, v) -> seen.incrementAndGet())
            .mapValues(Bench::parse)
            .filter((k, v) -> v.get("amount").asDouble() < 50)
            .mapValues(Bench::project)
            .to(topic + "-out", Produced.with(Serdes.String(), Serdes.ByteArray()));
        measure(b, props(bootstrap, appId, threads), n, seen);
    }

    static Properties props(String bootstrap, String appId, int threads) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        p.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/bench-" + appId);
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        return p;
    }

    /** Starts the app, waits for RUNNING, then until `seen` reaches n, closes it; prints records per second. */
    static void measure(StreamsBuilder b, Properties p, long n, AtomicLong seen) throws Exception {
        KafkaStreams streams = new KafkaStreams(b.build(), p);
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, old) -> { if (now == KafkaStreams.State.RUNNING) running.countDown(); });
        streams.start();
        if (!running.await(120, TimeUnit.SECONDS)) throw new IllegalStateException("not RUNNING after 120 s");
        com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long broker0 = brokerTicks();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        while (seen.get() < n) Thread.sleep(5);
        streams.close(Duration.ofMinutes(5));
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (os.getProcessCpuTime() - cpu0) / 1e9;
        long brokerTicks = brokerTicks() - broker0;
        streams.cleanUp();
        System.out.printf("{\"recPerSec\": %.0f, \"seconds\": %.2f, \"cpuSeconds\": %.2f, \"brokerTicks\": %d, \"rssMB\": %.0f}%n",
            n / seconds, seconds, cpuSeconds, brokerTicks, peakRssMB());
    }

    /** utime + stime (clock ticks) of the broker whose pid is in BENCH_BROKER_PID (bench/kafka-k1.ts), or -1. */
    static long brokerTicks() {
        String pid = System.getenv("BENCH_BROKER_PID");
        if (pid == null) return -1;
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
        } catch (Exception e) {
            throw new RuntimeException("cannot read the broker's CPU from /proc/" + pid + "/stat: " + e, e);
        }
    }

    /** Peak resident set of this JVM (VmHWM of /proc/self/status) in MB, or -1 where /proc is missing. */
    static double peakRssMB() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
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
