package dev.dsync.chaos.nemesis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dsync.chaos.cluster.Cluster;
import dev.dsync.chaos.cluster.ClusterProbe;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The partition shape {@code old-term-commit}: the dissertation's figure 3.7 on three nodes. A leader
 * re-elected with a tail of its old term, which one follower now also holds, must not count that
 * copy as a commit: a later leader may still overwrite it (§3.6.2: only entries of the leader's own
 * term are committed by counting). With A the leader and B, C the others:
 *
 * <ol>
 *   <li><b>B lags.</b> A->B is cut while A and C commit writes ({@link Filler} writes among them) until
 *       B lags by {@link #TARGET_LAG} entries: C's log is ahead of B's. A snapshot of A's that covers
 *       entries B lacks would send B the snapshot and then the rest in one append, with nothing
 *       partial to count: then B catches up and lags once more, right after A's snapshot.</li>
 *   <li><b>A's tail.</b> A is cut off from both and sent writes, which it appends in its old term and
 *       cannot commit: enough that the entries B misses fill one append ({@link #MAX_APPEND_ENTRIES})
 *       and {@link #TAIL_BEYOND_APPEND} more.</li>
 *   <li><b>C leads, and B never hears of it.</b> B's answers to C are delayed by {@link #VOTE_DELAY_MS};
 *       once B's term shows that C asked for its vote, C->B is cut. B's vote reaches C, which leads in
 *       a new term with its no-op, which B never gets. Only C can win: B's log is behind.</li>
 *   <li><b>A is re-elected</b> by B, its links to B back (C refuses it: C's last term is newer), its
 *       messages to B delayed by {@link #APPEND_DELAY_MS}. A ships B what it misses in appends of at most
 *       {@link #MAX_APPEND_ENTRIES} entries, the next only once B has answered the first, so the first
 *       holds old-term entries only, the head of A's tail among them. As soon as A's commit index
 *       moves, A is cut off again.</li>
 *   <li><b>C is re-elected</b> by B, with A cut off, if B never got A's no-op (C's last term is then
 *       newer than B's): C's log replaces the head of A's tail on B.</li>
 * </ol>
 * A correct A commits only once an entry of its own term (its no-op, {@code old_leader_first_own_entry})
 * has reached B, and commits everything up to it; B then holds A's newer term and C cannot win. An A
 * that counts B's copies commits the head of its tail when B answers the first append, while the one
 * with its no-op is still on its way (and is cut): a commit index below its own first entry, which the
 * shape reports as a violation (no correct server shows it), and C then overwrites those entries,
 * which A applied and answered: acknowledged writes are lost. A step that does not go as planned (an
 * election that comes out otherwise) heals, and the shape starts over with whoever leads then, at
 * most {@link #TRIES} times; the event names why in {@code started_over}, and says {@code skipped}
 * if the last try did not go as planned either. Its {@code timeline_ms} says when each step was seen.
 *
 * <p>Measured: docs/chaos-workloads.md, "Fault shapes every run contains".
 */
final class OldTermCommit {
    /**
     * How far B falls behind, in entries: most of one append, so that A's tail needs few entries to
     * make what B misses longer than one append (a cut-off leader appends only for the 300-600 ms
     * until its quorum check deposes it).
     */
    static final int TARGET_LAG = 190;
    static final int LAG_BATCH = 20;
    static final int LAG_POLL_MS = 50;
    static final int LAG_LIMIT_MS = 3_000;
    /** How many times B is made to lag when A's snapshot overtook it. */
    static final int LAG_ROUNDS = 2;
    /** The server's cap on entries in one append (RaftConfig.maxEntriesPerAppend). */
    static final int MAX_APPEND_ENTRIES = 256;
    /** Entries of A's tail beyond the first append B gets: the second one, with A's no-op, must be cut. */
    static final int TAIL_BEYOND_APPEND = 100;
    static final int VOTE_DELAY_MS = 150;
    /**
     * A's messages to B once it returns: less than an election timeout (A's elections and quorum checks
     * still work), long enough to cut the link between A's commit and the arrival of its next append.
     */
    static final int APPEND_DELAY_MS = 200;
    private static final long WAIT_MS = 4_000;
    /** How many times the shape starts over when a step does not go as planned. */
    static final int TRIES = 3;
    private static final long SETTLE_LIMIT_MS = 5_000;
    private static final String RETRY = "retry";

    /** The link faults this shape is made of, carried out (and undone at the heal) by the nemesis. */
    interface Links {
        void cut(String from, String to) throws IOException;

        /** Takes every fault off the directed link now. */
        void heal(String from, String to) throws IOException;

        void delay(String from, String to, int ms) throws IOException;
    }

    private final Cluster cluster;
    private final ClusterProbe probe;
    private final Links links;
    private final Filler filler;

    OldTermCommit(Cluster cluster, ClusterProbe probe, Links links) {
        this.cluster = cluster;
        this.probe = probe;
        this.links = links;
        this.filler = new Filler(cluster);
    }

    /**
     * Plays the shape with {@code leader} as A; a try whose step does not go as planned (an election
     * that comes out otherwise, a log compacted past the lagging node's end) heals, lets the cluster
     * settle and starts again with whoever leads then, at most {@link #TRIES} times. The event holds
     * the last try and why the earlier ones started over.
     */
    Map<String, Object> run(String leader, List<String> ids) throws IOException, InterruptedException {
        Map<String, Object> value = new LinkedHashMap<>();
        if (ids.size() != 3 || !everyLinkProxied(ids)) {
            value.put("skipped", "needs three members with a proxy on every directed link (a founders' cluster)");
            return value;
        }
        List<String> startedOver = new ArrayList<>();
        String a = leader;
        while (true) {
            Map<String, Object> once = once(a, ids);
            Object retry = once.remove(RETRY);
            if (retry == null) {
                value.putAll(once);
                break;
            }
            Optional<String> next = startedOver.size() + 1 < TRIES ? settle(ids) : Optional.empty();
            if (next.isEmpty()) {
                value.putAll(once);
                value.put("skipped", retry);
                break;
            }
            startedOver.add(retry.toString());
            a = next.get();
        }
        if (!startedOver.isEmpty()) {
            value.put("started_over", startedOver);
        }
        return value;
    }

    /** One try with {@code a} as the old leader; {@link #RETRY} in the result says why it did not go as planned. */
    private Map<String, Object> once(String a, List<String> ids) throws IOException, InterruptedException {
        List<String> others = new ArrayList<>(ids);
        others.remove(a);
        String b = others.get(0);
        String c = others.get(1);
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("roles", Map.of("old_leader", a, "lagging", b, "second_leader", c));
        Map<String, Long> timeline = new LinkedHashMap<>();
        value.put("timeline_ms", timeline);
        long startedAt = System.nanoTime();
        long oldTerm = probe.number(a, "term");

        // 1. B lags behind A and C. If A took a snapshot meanwhile that covers entries B lacks, B
        // catches up and falls behind once more, now just after A's snapshot (a node takes the next
        // one at least SNAPSHOT_EVERY, 500 in the chaos runs, applied entries later).
        long lag = 0;
        int sent = 0;
        Optional<String> compacted = Optional.empty();
        for (int round = 1; round <= LAG_ROUNDS; round++) {
            if (compacted.isPresent()) {
                value.put("lagged_again_after", compacted.get());
                links.heal(a, b);
                await(b, h -> h.path("last_index").asLong() + LAG_BATCH >= probe.number(a, "last_index"));
            }
            links.cut(a, b);
            lag = 0;
            for (long deadline = System.nanoTime() + LAG_LIMIT_MS * 1_000_000L; lag < TARGET_LAG && System.nanoTime() < deadline; ) {
                filler.send(a, sent, LAG_BATCH);
                sent += LAG_BATCH;
                Thread.sleep(LAG_POLL_MS);
                lag = probe.number(a, "last_index") - probe.number(b, "last_index");
            }
            compacted = compactedPast(a, b);
            if (compacted.isEmpty()) {
                break;
            }
        }
        value.put("lag", lag);
        if (lag >= MAX_APPEND_ENTRIES - 16) {
            value.put(RETRY, b + " lags by " + lag + " entries: the first append would not reach " + a + "'s tail");
            return value;
        }
        if (compacted.isPresent()) {
            value.put(RETRY, compacted.get());
            return value;
        }
        // 2. A's tail of its old term, which it cannot commit: long enough that the entries B misses fill
        // one append and then some.
        links.delay(b, c, VOTE_DELAY_MS);
        links.cut(a, c);
        links.cut(b, a);
        links.cut(c, a);
        filler.send(a, sent, (int) (MAX_APPEND_ENTRIES - lag) + TAIL_BEYOND_APPEND);

        // 3. C leads; B votes for it and never hears of its no-op.
        Optional<JsonNode> bVoted = await(b, h -> h.path("term").asLong() > oldTerm);
        links.cut(c, b);
        timeline.put("vote_seen_c_cut_from_b", msSince(startedAt));
        Optional<JsonNode> cLeads = await(c, h -> h.path("role").asInt() == 2);
        if (bVoted.isEmpty() || cLeads.isEmpty()) {
            value.put(RETRY, bVoted.isEmpty() ? "no election reached " + b : c + " did not lead");
            return value;
        }
        timeline.put("second_leader_seen", msSince(startedAt));
        long cTerm = cLeads.get().path("term").asLong();
        value.put("second_leader_term", cTerm);
        Optional<JsonNode> aBefore = probe.health(a);
        if (aBefore.isEmpty() || aBefore.get().path("role").asInt() == 2) {
            value.put(RETRY, a + (aBefore.isEmpty() ? " did not answer" : " still leads its old term"));
            return value;
        }
        long aCommit = aBefore.get().path("commit_index").asLong();
        long ownFirst = aBefore.get().path("last_index").asLong() + 1; // A's no-op, once re-elected
        value.put("old_leader_tail", ownFirst - 1 - aCommit);
        compacted = compactedPast(a, b);
        if (compacted.isPresent()) {
            value.put(RETRY, compacted.get());
            return value;
        }

        // 4. A re-elected by B; A's appends reach B one delay late, and A->B is cut as soon as A's commit
        // index moves: a correct A commits only once its no-op has reached B, a broken one already when
        // B answered the first append, while the next is still on its way.
        long bLast = probe.number(b, "last_index");
        links.heal(b, a);
        links.heal(a, b);
        links.delay(a, b, APPEND_DELAY_MS);
        timeline.put("a_b_healed", msSince(startedAt));
        Optional<JsonNode> aLeads = await(a, h -> h.path("role").asInt() == 2 && h.path("term").asLong() > cTerm);
        Optional<JsonNode> aCommitted = aLeads.isEmpty() ? Optional.empty() : await(a, h -> h.path("commit_index").asLong() > aCommit);
        links.cut(a, b);
        links.cut(b, a);
        timeline.put("old_leader_commit_seen_a_cut_off", msSince(startedAt));
        if (aCommitted.isEmpty()) {
            value.put(RETRY, aLeads.isEmpty() ? a + " was not re-elected" : a + " committed nothing");
            return value;
        }
        JsonNode seen = aCommitted.get();
        long committed = seen.path("commit_index").asLong();
        value.put("old_leader_term", seen.path("term").asLong());
        value.put("old_leader_first_own_entry", ownFirst);
        value.put("old_leader_commit_index", committed);
        value.put("lagging_last_index", List.of(bLast, probe.number(b, "last_index")));
        if (seen.path("role").asInt() == 2 && seen.path("term").asLong() > cTerm && committed < ownFirst) {
            value.put("violation", a + ", leader in term " + seen.path("term").asLong() + ", committed up to " + committed
                    + ", below its first entry of that term (" + ownFirst + "): entries of an earlier term committed by"
                    + " counting their copies");
        }

        // 5. C re-elected by B, with A cut off: C's log replaces what B took from A.
        links.heal(c, b);
        links.heal(b, c);
        Optional<JsonNode> cAgain = await(c, h -> h.path("role").asInt() == 2 && h.path("term").asLong() > cTerm);
        if (cAgain.isPresent()) {
            timeline.put("second_leader_again_seen", msSince(startedAt));
        }
        value.put("second_leader_again", cAgain.map(h -> h.path("term").asLong()).orElse(null));
        return value;
    }

    /**
     * Why A could not send B a partial append: A's snapshot covers entries B lacks (a node snapshots
     * every few hundred applied entries in the chaos runs), so B would get the snapshot and then the
     * rest in one append, with nothing of the old term to count.
     */
    private Optional<String> compactedPast(String a, String b) {
        long snapshot = probe.number(a, "snapshot_index");
        long bLast = probe.number(b, "last_index");
        return snapshot > bLast
                ? Optional.of(a + " compacted its log up to " + snapshot + ", past " + b + "'s last entry " + bLast)
                : Optional.empty();
    }

    /**
     * Heals every link of the shape and waits until a leader has every member applying its commit
     * index: the next try starts from a cluster with no lag. Empty if that did not happen in time.
     */
    private Optional<String> settle(List<String> ids) throws IOException, InterruptedException {
        for (String from : ids) {
            for (String to : ids) {
                if (!from.equals(to)) {
                    links.heal(from, to);
                }
            }
        }
        long deadline = System.nanoTime() + SETTLE_LIMIT_MS * 1_000_000L;
        while (System.nanoTime() < deadline) {
            Optional<String> leader = probe.leader();
            long commit = leader.map(l -> probe.number(l, "commit_index")).orElse(Long.MAX_VALUE);
            if (leader.isPresent() && ids.stream().allMatch(id -> probe.number(id, "applied_index") >= commit)) {
                return leader;
            }
            Thread.sleep(50);
        }
        return Optional.empty();
    }

    private boolean everyLinkProxied(List<String> ids) {
        for (String from : ids) {
            for (String to : ids) {
                if (!from.equals(to) && !cluster.hasLink(from, to)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static long msSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    /** Polls {@code node}'s /health every 5 ms until {@code condition} holds, for at most {@link #WAIT_MS} (or {@code waitMs}). */
    private Optional<JsonNode> await(String node, Predicate<JsonNode> condition) throws InterruptedException {
        return await(node, condition, WAIT_MS);
    }

    private Optional<JsonNode> await(String node, Predicate<JsonNode> condition, long waitMs) throws InterruptedException {
        long deadline = System.nanoTime() + waitMs * 1_000_000;
        while (System.nanoTime() < deadline) {
            Optional<JsonNode> h = probe.health(node);
            if (h.isPresent() && condition.test(h.get())) {
                return h;
            }
            Thread.sleep(5);
        }
        return Optional.empty();
    }
}
