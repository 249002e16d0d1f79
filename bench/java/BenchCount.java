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

/**
 * The Java side of benchmark B2 (bench/java-b2.sh runs it against a local single-node KRaft broker):
 *   fill  <bootstrap> <topic> <records> <keys> <uniform|zipf>   4 partitions, keys user-N, 100-byte values
 *   count <bootstrap> <topic> <records> <appId> <cacheBytes> <threads>
 * `count` runs builder.stream(topic).groupByKey().count() (RocksDB, changelog, at_least_once, default commit
 * interval) and prints one JSON line: records / seconds from RUNNING to the end of close(), as the TypeScript
 * benchmark measures (a peek before groupByKey counts the records processed).
 */
public class BenchCount {
    public static void main(String[] args) throws Exception {
        if (args[0].equals("fill")) fill(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]), args[5]);
        else count(args[1], args[2], Long.parseLong(args[3]), args[4], Long.parseLong(args[5]), Integer.parseInt(args[6]));
    }

    static void fill(String bootstrap, String topic, int n, int keys, String dist) throws Exception {
        Properties a = new Properties();
        a.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(a)) {
            admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get();
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        Random r = new Random(5);
        double[] cdf = null;
        if (dist.equals("zipf")) {
            cdf = new double[keys];
            double sum = 0;
            for (int i = 0; i < keys; i++) cdf[i] = sum += 1 / Math.pow(i + 1, 0.99);
            for (int i = 0; i < keys; i++) cdf[i] /= sum;
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
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

    static void count(String bootstrap, String topic, long n, String appId, long cacheBytes, int threads) throws Exception {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, cacheBytes);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        p.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/bench-count-" + appId);
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        AtomicLong seen = new AtomicLong();
        StreamsBuilder b = new StreamsBuilder();
        b.stream(topic, Consumed.with(Serdes.String(), Serdes.ByteArray()))
            .peek((k, v) -> seen.incrementAndGet())
            .groupByKey()
            .count();
        KafkaStreams streams = new KafkaStreams(b.build(), p);
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, old) -> { if (now == KafkaStreams.State.RUNNING) running.countDown(); });
        long cpu0 = cpu();
        streams.start();
        if (!running.await(120, TimeUnit.SECONDS)) throw new IllegalStateException("not RUNNING after 120 s");
        long t0 = System.nanoTime();
        while (seen.get() < n) Thread.sleep(5);
        streams.close(Duration.ofMinutes(5));
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (cpu() - cpu0) / 1e9;
        streams.cleanUp();
        System.out.printf("{\"recPerSec\": %.0f, \"seconds\": %.2f, \"cpuSecondsStreamsProcess\": %.2f}%n", n / seconds, seconds, cpuSeconds);
    }

    static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
