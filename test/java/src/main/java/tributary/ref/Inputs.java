package tributary.ref;

import java.util.List;
import java.util.Random;

/** Seeded pseudo-random input generation. The generated records are written into each fixture's steps. */
final class Inputs {
    private Inputs() {}

    static final String RANDOM_NOTE = "Seeded random input (java.util.Random(seed)), %d records, keys k0..k4, topics %s: "
        + "base time advances 0..3 per record; 20%% of records go back 0..11 ms (out of order), 5%% go back 20..49 ms (late); "
        + "timestamps clamped at >= 0. The generated records are the steps below; no RNG needed to replay.";

    /**
     * Appends n pipes. Values: for a single topic a random digit "0".."9"; for several topics the topic's
     * first letter upper-cased followed by the record index (e.g. "L17", "R18").
     */
    static Scenario random(Scenario s, long seed, int n, List<String> topics) {
        Random r = new Random(seed);
        long base = 0;
        for (int i = 0; i < n; i++) {
            base += r.nextInt(4);
            long ts = base;
            double p = r.nextDouble();
            if (p < 0.05) ts = base - 20 - r.nextInt(30);
            else if (p < 0.25) ts = base - r.nextInt(12);
            if (ts < 0) ts = 0;
            String key = "k" + r.nextInt(5);
            String topic = topics.get(r.nextInt(topics.size()));
            String value = topics.size() == 1 ? String.valueOf(r.nextInt(10))
                : topic.substring(0, 1).toUpperCase() + i;
            s.pipe(topic, key, value, ts);
        }
        return s.note(String.format(RANDOM_NOTE, n, topics) + " seed=" + seed);
    }
}
