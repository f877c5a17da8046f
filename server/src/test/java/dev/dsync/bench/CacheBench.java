package dev.dsync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.it.LocalCluster;
import dev.dsync.it.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * {@code make bench BENCH=cache}: a 3-node cache cluster from the shaded jar on free loopback
 * ports; 16 clients spread over all three nodes (client c talks to node c mod 3). Measures, as the
 * median of {@value #TRIALS} trials of {@code WINDOW} each:
 * <ol>
 * <li>the hit ratio (hits / answered gets) of a read-heavy load, 90 % gets and 10 % puts, over
 * {@value #READ_HEAVY_KEYS} keys chosen uniformly and Zipf-like (s = 1);</li>
 * <li>get throughput and p50/p99 latency when every key is already held by every node, so gets
 * are local hits (the measured hit ratio is reported beside it);</li>
 * <li>put throughput and p50/p99 when the writing node is the key's only holder (no other copy to
 * invalidate);</li>
 * <li>the same when every key is held by all three nodes before its put, so each put waits for
 * two invalidations: the cost of coherence;</li>
 * <li>one client at a follower that holds no copy: the miss (read through the leader, which installs a
 * copy there), and the time from the miss's answer until a get there is a hit (gets sent back to back,
 * at most {@value #MISS_HIT_POLLS} per key), over {@value #MISS_KEYS} keys written by another node; then
 * the same client's puts at that follower (answered once the follower's own line reflects them).</li>
 * </ol>
 * Every load loop is bounded in time and count. Writes bench-results/cache-TIMESTAMP.json.
 */
public final class CacheBench {
    private static final int CLIENTS = 16;
    private static final int TRIALS = 3;
    private static final Duration WINDOW = Duration.ofSeconds(5);
    private static final Duration WARMUP = Duration.ofSeconds(2);
    private static final int MAX_OPS_PER_CLIENT = 1_000_000;
    private static final int READ_HEAVY_KEYS = 1_000;
    private static final int HOT_KEYS = 64;
    private static final int OWN_KEYS_PER_CLIENT = 32;
    /** Keys warmed at all three nodes per trial of the shared-put measure; each is put once. */
    private static final int SHARED_KEYS_PER_TRIAL = 1_200;
    private static final int MISS_KEYS = 300;
    private static final int MISS_HIT_POLLS = 2_000;
    /** Error kinds already printed once. */
    private static final Map<String, Boolean> PRINTED = new ConcurrentHashMap<>();

    private final LocalCluster cluster;
    private final List<Integer> ports = new ArrayList<>();
    private final TestClient admin = new TestClient();
    private final AtomicLong values = new AtomicLong();

    private CacheBench(LocalCluster cluster) {
        this.cluster = cluster;
        for (String id : cluster.ids()) {
            ports.add(cluster.port(id));
        }
    }

    public static void main(String[] args) throws Exception {
        ObjectNode results = BenchSupport.JSON.createObjectNode();
        try (LocalCluster cluster = new LocalCluster("cache", 3, Map.of())) {
            cluster.startAll();
            cluster.awaitLeader(Duration.ofSeconds(20));
            CacheBench bench = new CacheBench(cluster);
            bench.awaitWritable();
            results.put("clients", CLIENTS);
            results.put("trials", TRIALS);
            results.put("window_s", WINDOW.toSeconds());
            results.set("read_heavy_uniform", bench.readHeavy("u", false));
            results.set("read_heavy_zipf", bench.readHeavy("z", true));
            results.set("local_hit_gets", bench.localHitGets());
            results.set("puts_sole_holder", bench.putsSoleHolder());
            results.set("puts_three_holders", bench.putsThreeHolders());
            results.set("miss_then_hit", bench.missThenHit(cluster));
            ObjectNode ratios = results.putObject("ratios");
            double hitGets = results.path("local_hit_gets").path("ops_per_s_median").asDouble();
            double solePuts = results.path("puts_sole_holder").path("ops_per_s_median").asDouble();
            double sharedPuts = results.path("puts_three_holders").path("ops_per_s_median").asDouble();
            number(ratios, "hit_gets_per_sole_put", round(hitGets / solePuts, 2));
            number(ratios, "sole_put_per_three_holder_put", round(solePuts / sharedPuts, 2));
            number(ratios, "three_holder_put_p50_over_sole_put_p50", round(
                    results.path("puts_three_holders").path("p50_ms_median").asDouble()
                            / results.path("puts_sole_holder").path("p50_ms_median").asDouble(), 2));
        }
        BenchSupport.write("cache", results);
    }

    /** A new leader answers no cache request for one lease bound: wait until a put goes through. */
    private void awaitWritable() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (admin.post(ports.get(0), "/cache/put", "{\"key\":\"bench-probe\",\"val\":0}").status() == 200) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no cache put succeeded within 20 s");
    }

    // ---- (a) hit ratio of a read-heavy load ----

    private ObjectNode readHeavy(String prefix, boolean zipf) throws Exception {
        for (int k = 0; k < READ_HEAVY_KEYS; k++) {
            put(ports.get(k % 3), prefix + k);
        }
        double[] cdf = zipf ? zipfCdf(READ_HEAVY_KEYS, 1.0) : null;
        Op op = (client, c, random) -> {
            int k = cdf == null ? random.nextInt(READ_HEAVY_KEYS) : sample(cdf, random);
            int port = ports.get(c % 3);
            return random.nextInt(10) == 0 ? put(client, port, prefix + k) : get(client, port, prefix + k);
        };
        load(WARMUP, op);
        double metricsHitsBefore = metricSum("cache_hits_total");
        double metricsMissesBefore = metricSum("cache_misses_total");
        List<Window> trials = trials(op);
        double metricsHits = metricSum("cache_hits_total") - metricsHitsBefore;
        double metricsMisses = metricSum("cache_misses_total") - metricsMissesBefore;
        ObjectNode out = summarize(trials);
        out.put("keys", READ_HEAVY_KEYS);
        out.put("distribution", zipf ? "zipf s=1" : "uniform");
        out.put("mix", "90% get, 10% put");
        number(out, "hit_ratio_median", median(trials, Window::hitRatio));
        out.set("hit_ratio_trials", trialValues(trials, Window::hitRatio));
        number(out, "metrics_hit_ratio_all_trials", round(metricsHits / (metricsHits + metricsMisses), 3));
        System.out.printf("read-heavy %s: hit ratio %.3f (trials %s), %.0f ops/s, errors %s%n", zipf ? "zipf" : "uniform",
                median(trials, Window::hitRatio), trialValues(trials, Window::hitRatio), median(trials, Window::opsPerSecond),
                out.path("errors_trials"));
        return out;
    }

    // ---- (b) gets that hit ----

    private ObjectNode localHitGets() throws Exception {
        for (int k = 0; k < HOT_KEYS; k++) {
            put(ports.get(k % 3), "hot" + k);
        }
        for (int k = 0; k < HOT_KEYS; k++) {
            for (int port : ports) {
                get(admin, port, "hot" + k); // installs a copy at every node
            }
        }
        Thread.sleep(300); // a lease renewal or two: the fills are served from then on
        Op op = (client, c, random) -> get(client, ports.get(c % 3), "hot" + random.nextInt(HOT_KEYS));
        load(WARMUP, op);
        List<Window> trials = trials(op);
        ObjectNode out = summarize(trials);
        out.put("keys", HOT_KEYS);
        number(out, "hit_ratio_median", median(trials, Window::hitRatio));
        print("gets, keys held by every node", out);
        return out;
    }

    // ---- (c) puts by the key's sole holder ----

    private ObjectNode putsSoleHolder() throws Exception {
        Op op = (client, c, random) -> put(client, ports.get(c % 3), "own" + c + "-" + random.nextInt(OWN_KEYS_PER_CLIENT));
        load(WARMUP, op);
        List<Window> trials = trials(op);
        ObjectNode out = summarize(trials);
        out.put("keys_per_client", OWN_KEYS_PER_CLIENT);
        print("puts, the writer the key's only holder", out);
        return out;
    }

    // ---- (d) puts of keys every node holds ----

    private ObjectNode putsThreeHolders() throws Exception {
        List<Window> trials = new ArrayList<>();
        ArrayNode holdersSeen = BenchSupport.JSON.createArrayNode();
        for (int t = 0; t < TRIALS; t++) {
            String prefix = "shared" + t + "-";
            warmEverywhere(prefix, SHARED_KEYS_PER_TRIAL);
            holdersSeen.add(sampleHolders(prefix, SHARED_KEYS_PER_TRIAL));
            AtomicInteger next = new AtomicInteger();
            trials.add(load(WINDOW, (client, c, random) -> {
                int k = next.getAndIncrement();
                return k >= SHARED_KEYS_PER_TRIAL ? null : put(client, ports.get(c % 3), prefix + k);
            }));
        }
        ObjectNode out = summarize(trials);
        out.put("keys_per_trial", SHARED_KEYS_PER_TRIAL);
        out.set("mean_holders_before_put_sampled", holdersSeen);
        print("puts, every key held by all three nodes", out);
        return out;
    }

    /** Puts each key at one node and gets it at the two others, so all three hold it. */
    // ---- (e) a miss at a follower, and how soon the copy it installed serves a hit ----

    private ObjectNode missThenHit(LocalCluster cluster) throws Exception {
        String leader = cluster.awaitLeader(Duration.ofSeconds(20));
        int readerPort = cluster.port(cluster.anyFollower(leader));
        int writerPort = ports.stream().filter(p -> p != readerPort).findFirst().orElseThrow();
        List<Long> missNanos = new ArrayList<>();
        List<Long> toHitNanos = new ArrayList<>();
        List<Long> getsBeforeHit = new ArrayList<>();
        for (int k = 0; k < MISS_KEYS; k++) {
            String key = "miss" + k;
            put(writerPort, key);
            long sent = System.nanoTime();
            String first = get(admin, readerPort, key);
            long answered = System.nanoTime();
            if (!first.equals("miss")) {
                continue; // an error or (never expected) a hit: not a miss to measure
            }
            for (int poll = 1; poll <= MISS_HIT_POLLS; poll++) {
                if (get(admin, readerPort, key).equals("hit")) {
                    missNanos.add(answered - sent);
                    toHitNanos.add(System.nanoTime() - answered);
                    getsBeforeHit.add((long) poll - 1);
                    break;
                }
            }
        }
        ObjectNode out = BenchSupport.JSON.createObjectNode();
        out.put("keys", MISS_KEYS);
        out.put("measured", missNanos.size());
        percentiles(out, "miss", missNanos, 0.50, 0.99);
        percentiles(out, "miss_answer_to_first_hit", toHitNanos, 0.50, 0.99);
        if (!getsBeforeHit.isEmpty()) {
            Collections.sort(getsBeforeHit);
            out.put("gets_before_the_hit_p50", getsBeforeHit.get(getsBeforeHit.size() / 2));
        }
        System.out.printf("a miss at a follower, then gets there until a hit (%d of %d keys): miss p50 %s ms, p99 %s ms;"
                + " miss answer to first hit p50 %s ms, p99 %s ms%n", missNanos.size(), MISS_KEYS, out.path("miss_p50_ms"),
                out.path("miss_p99_ms"), out.path("miss_answer_to_first_hit_p50_ms"), out.path("miss_answer_to_first_hit_p99_ms"));

        List<Long> putNanos = new ArrayList<>();
        for (int k = 0; k < MISS_KEYS; k++) {
            long sent = System.nanoTime();
            if (put(admin, readerPort, "miss" + k).equals("put")) {
                putNanos.add(System.nanoTime() - sent);
            }
        }
        out.put("puts_at_the_follower", putNanos.size());
        percentiles(out, "put_at_the_follower", putNanos, 0.50, 0.90, 0.99);
        System.out.printf("puts at that follower (%d): p50 %s ms, p90 %s ms, p99 %s ms%n", putNanos.size(),
                out.path("put_at_the_follower_p50_ms"), out.path("put_at_the_follower_p90_ms"), out.path("put_at_the_follower_p99_ms"));
        return out;
    }

    /** {@code <name>_p50_ms} and the like for each of {@code quantiles} (nearest rank); nothing if no latency was recorded. */
    private static void percentiles(ObjectNode out, String name, List<Long> nanos, double... quantiles) {
        if (nanos.isEmpty()) {
            return;
        }
        List<Long> sorted = nanos.stream().sorted().toList();
        for (double q : quantiles) {
            number(out, name + "_p" + Math.round(q * 100) + "_ms", BenchSupport.percentileMs(sorted, q));
        }
    }

    private void warmEverywhere(String prefix, int keys) throws Exception {
        AtomicInteger next = new AtomicInteger();
        load(Duration.ofSeconds(60), (client, c, random) -> {
            int k = next.getAndIncrement();
            if (k >= keys) {
                return null;
            }
            put(client, ports.get(k % 3), prefix + k);
            get(client, ports.get((k + 1) % 3), prefix + k);
            return get(client, ports.get((k + 2) % 3), prefix + k);
        });
        if (next.get() < keys) {
            throw new IllegalStateException("warming " + keys + " keys took over 60 s");
        }
        Thread.sleep(200);
    }

    /** Mean number of holders over every 20th key, from /cache/directory. */
    private double sampleHolders(String prefix, int keys) throws Exception {
        int sampled = 0;
        int holders = 0;
        for (int k = 0; k < keys; k += 20) {
            TestClient.Response r = admin.get(ports.get(0), "/cache/directory?key=" + prefix + k);
            BenchSupport.expect(200, r);
            holders += r.body().path("holders").size();
            sampled++;
        }
        return round((double) holders / sampled, 2);
    }

    // ---- operations: each returns what happened, for counting ----

    private String put(int port, String key) throws Exception {
        String tag = put(admin, port, key);
        if (!tag.equals("put")) {
            throw new IllegalStateException("setup put of " + key + " failed: " + tag);
        }
        return tag;
    }

    private String put(TestClient client, int port, String key) throws Exception {
        TestClient.Response r = client.post(port, "/cache/put",
                "{\"key\":\"" + key + "\",\"val\":" + values.incrementAndGet() + "}");
        return r.status() == 200 ? "put" : "error " + r.status() + " " + r.raw();
    }

    private static String get(TestClient client, int port, String key) throws Exception {
        TestClient.Response r = client.post(port, "/cache/get", "{\"key\":\"" + key + "\"}");
        if (r.status() == 404) {
            return "absent";
        }
        if (r.status() != 200 || r.body() == null) {
            return "error " + r.status() + " " + r.raw();
        }
        return r.body().path("hit").asBoolean(false) ? "hit" : "miss";
    }

    /** Sum over the nodes of one metric's samples, from /metrics; NaN if a node does not report it. */
    private double metricSum(String name) {
        double sum = 0;
        for (int port : ports) {
            try {
                TestClient.Response r = admin.get(port, "/metrics");
                boolean found = false;
                for (String line : r.raw().split("\n")) {
                    if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                        found = true;
                    }
                }
                if (!found) {
                    return Double.NaN;
                }
            } catch (Exception e) {
                return Double.NaN;
            }
        }
        return sum;
    }

    // ---- closed-loop load ----

    /** One client step: does one operation and names its result; null when there is nothing left. */
    @FunctionalInterface
    private interface Op {
        String run(TestClient client, int clientIndex, Random random) throws Exception;
    }

    /** One measured window: completed operations, their latencies (sorted) and what each was. */
    private record Window(long ops, double seconds, long[] latencies, Map<String, Long> counts) {
        double opsPerSecond() {
            return round(ops / seconds, 1);
        }

        double hitRatio() {
            long hits = counts.getOrDefault("hit", 0L);
            long answered = hits + counts.getOrDefault("miss", 0L);
            return answered == 0 ? Double.NaN : round((double) hits / answered, 3);
        }

        double p50() {
            return percentileMs(0.50);
        }

        double p99() {
            return percentileMs(0.99);
        }

        private double percentileMs(double p) {
            if (latencies.length == 0) {
                return Double.NaN;
            }
            List<Long> sorted = Arrays.stream(latencies).boxed().toList();
            return BenchSupport.percentileMs(sorted, p);
        }

        long errors() {
            return counts.entrySet().stream().filter(e -> e.getKey().startsWith("error")).mapToLong(Map.Entry::getValue).sum();
        }
    }

    private List<Window> trials(Op op) throws InterruptedException {
        List<Window> trials = new ArrayList<>();
        for (int t = 0; t < TRIALS; t++) {
            trials.add(load(WINDOW, op));
        }
        return trials;
    }

    /** {@value #CLIENTS} closed-loop clients for at most {@code window} and {@value #MAX_OPS_PER_CLIENT} operations each. */
    private static Window load(Duration window, Op op) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + window.toNanos();
        Map<String, Long> counts = new ConcurrentHashMap<>();
        List<long[]> perClient = Collections.synchronizedList(new ArrayList<>());
        AtomicLong ops = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int index = c;
            threads.add(Thread.ofPlatform().name("cache-bench-" + c).start(() -> {
                TestClient client = new TestClient();
                Random random = new Random(index * 7919L + start);
                long[] lat = new long[1024];
                int n = 0;
                try {
                    for (int i = 0; i < MAX_OPS_PER_CLIENT && System.nanoTime() < end; i++) {
                        long t0 = System.nanoTime();
                        String what = op.run(client, index, random);
                        if (what == null) {
                            break;
                        }
                        long took = System.nanoTime() - t0;
                        if (n == lat.length) {
                            lat = Arrays.copyOf(lat, n * 2);
                        }
                        lat[n++] = took;
                        ops.incrementAndGet();
                        counts.merge(what.startsWith("error") ? errorKind(what) : what, 1L, Long::sum);
                    }
                } catch (Exception e) {
                    counts.merge("error " + e.getClass().getSimpleName(), 1L, Long::sum);
                } finally {
                    perClient.add(Arrays.copyOf(lat, n));
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] all = perClient.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        Window w = new Window(ops.get(), seconds, all, new TreeMap<>(counts));
        if (w.errors() > 0) {
            System.out.println("  (errors in this window: " + w.counts() + ")");
        }
        return w;
    }

    /** "error 503 {...}" -> "error 503": counts by status; the first answer of each kind is printed. */
    private static String errorKind(String what) {
        String[] parts = what.split(" ", 3);
        String kind = parts.length > 1 ? parts[0] + " " + parts[1] : what;
        if (PRINTED.putIfAbsent(kind, true) == null) {
            System.out.println("  first " + kind + ": " + what);
        }
        return kind;
    }

    // ---- results ----

    private static ObjectNode summarize(List<Window> trials) {
        ObjectNode out = BenchSupport.JSON.createObjectNode();
        number(out, "ops_per_s_median", median(trials, Window::opsPerSecond));
        number(out, "p50_ms_median", median(trials, Window::p50));
        number(out, "p99_ms_median", median(trials, Window::p99));
        out.set("ops_per_s_trials", trialValues(trials, Window::opsPerSecond));
        out.set("p50_ms_trials", trialValues(trials, Window::p50));
        out.set("p99_ms_trials", trialValues(trials, Window::p99));
        out.set("errors_trials", trialValues(trials, w -> w.errors()));
        ArrayNode counts = out.putArray("counts_trials");
        for (Window w : trials) {
            counts.add(BenchSupport.JSON.valueToTree(w.counts()));
        }
        return out;
    }

    private static double median(List<Window> trials, ToDoubleFunction<Window> f) {
        double[] v = trials.stream().mapToDouble(f).sorted().toArray();
        return v[v.length / 2];
    }

    private static ArrayNode trialValues(List<Window> trials, ToDoubleFunction<Window> f) {
        ArrayNode a = BenchSupport.JSON.createArrayNode();
        trials.forEach(w -> {
            double v = f.applyAsDouble(w);
            if (Double.isNaN(v)) {
                a.addNull();
            } else {
                a.add(v);
            }
        });
        return a;
    }

    /** JSON has no NaN: a measure that could not be taken is null. */
    private static void number(ObjectNode out, String name, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            out.putNull(name);
        } else {
            out.put(name, v);
        }
    }

    private static void print(String what, JsonNode r) {
        System.out.printf("%s: %.0f ops/s, p50 %.2f ms, p99 %.2f ms (medians of %d; ops/s trials %s; errors %s)%s%n", what,
                r.path("ops_per_s_median").asDouble(), r.path("p50_ms_median").asDouble(), r.path("p99_ms_median").asDouble(),
                TRIALS, r.path("ops_per_s_trials"), r.path("errors_trials"),
                r.has("hit_ratio_median") ? ", hit ratio " + r.path("hit_ratio_median") : "");
    }

    private static double round(double v, int places) {
        double scale = Math.pow(10, places);
        return Math.round(v * scale) / scale;
    }

    /** Cumulative probabilities of ranks 1..n with weight 1/rank^s. */
    private static double[] zipfCdf(int n, double s) {
        double[] cdf = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += 1 / Math.pow(i + 1, s);
            cdf[i] = total;
        }
        for (int i = 0; i < n; i++) {
            cdf[i] /= total;
        }
        return cdf;
    }

    private static int sample(double[] cdf, Random random) {
        int i = Arrays.binarySearch(cdf, random.nextDouble());
        return Math.min(cdf.length - 1, i >= 0 ? i : -i - 1);
    }
}
