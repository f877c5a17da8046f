package dev.dsync.sim;

import dev.dsync.node.CommandClock;
import dev.dsync.node.MembershipTracker;
import dev.dsync.node.ReadyPipeline;
import dev.dsync.node.SnapshotPolicy;
import dev.dsync.raft.Membership;
import dev.dsync.raft.Message;
import dev.dsync.raft.RaftConfig;
import dev.dsync.raft.RaftCore;
import dev.dsync.raft.Role;
import dev.dsync.transport.MemberDirectory;
import dev.dsync.transport.MessageCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One deterministic run of a simulated cluster: real {@link RaftCore}s and a real service state
 * machine (by {@code seed % 3}: 0 lock, 1 queue, 2 cache; see {@link SimService}) over a simulated
 * network, disks and clock, all driven by one {@link Random} seeded from the run's seed. Nothing
 * here reads a real clock or a global random source, iterates an identity-ordered collection, or
 * uses threads (the history checker the cache calls at the very end has its own, and its verdict
 * does not depend on them), so a seed replays the same run exactly.
 *
 * <p>A run has a fault phase (crashes, partitions, lossy links, leadership transfers, client load)
 * and then a liveness phase: everything heals, and a leader must commit a new entry in bounded time;
 * then the service finishes (the queue drains; the cache's history is checked). Raft safety is
 * checked after every event by {@link SafetyChecker}, the service's invariants after every apply
 * (and the cache's coherence after every event) by the service.
 */
final class Simulation {
    static final int TICK_MS = 10;
    /**
     * Every how many applied indexes each replica digests its state for {@link ConvergenceCheck}.
     * A digest encodes the whole state (about 13 KB here, mostly client sessions): taken after
     * every apply it cost about 40% of the simulation's CPU time; every 16th costs a few percent,
     * and a divergence that lasts is still caught within 16 entries (or at a compaction, or at the end).
     */
    static final int DIGEST_EVERY = 16;

    /** What a finished run reports. */
    record Result(String service, long traceHash, long events, long committed, long leaderChanges, long crashes, long reads,
                  long digestComparisons, boolean membershipChanges, long configsCommitted, Map<String, Long> serviceStats,
                  Map<String, Long> worldStats) {}

    private record Event(long time, long seq, Runnable action) {}

    final long seed;
    final Random random;
    final List<SimNode> nodes = new ArrayList<>();
    final SimNetwork network;
    final SafetyChecker checker = new SafetyChecker();
    /** Replicas' state digests compared at equal applied indexes; see {@link ConvergenceCheck} for what it costs. */
    final ConvergenceCheck convergence = new ConvergenceCheck(DIGEST_EVERY);
    final TraceHash trace = new TraceHash();
    private final PriorityQueue<Event> queue =
            new PriorityQueue<>(Comparator.comparingLong(Event::time).thenComparingLong(Event::seq));
    /** Every node's id: the bootstrap members first, then the spares the membership nemesis may add. */
    private final List<String> ids = new ArrayList<>();
    private final Membership bootstrap;
    private final boolean verbose;
    private final long faultPhaseMs;
    private final int electionTicks;
    private final int heartbeatTicks;
    private final int maxEntriesPerAppend;
    private final int maxInflight;
    private final boolean preVote;
    private final boolean checkQuorum;
    final int snapshotEvery;
    private final int crashInReadyPermille;
    /** The log store's segment size on every node. */
    private long segmentBytes;
    /** Per mille of new leaders that the nemesis cuts down soon after they win (Figure 8 hunting). */
    private final int leaderChurnPermille;
    private long leadersSeen;
    final SimService service;
    final Workload workload;
    final Faults faults;
    /** Null in the seeds without membership changes. */
    final MembershipFaults membership;
    long now;
    private long seq;
    private long events;
    boolean faultPhase = true;
    long crashes;
    private long powerCuts;
    private long unknownPeerDrops;
    private Throwable bug;

    Simulation(long seed, boolean verbose) {
        this.seed = seed;
        this.random = new Random(seed);
        this.verbose = verbose;
        this.network = new SimNetwork(random);
        int size = random.nextInt(5) == 0 ? 5 : 3;
        for (int i = 0; i < size; i++) {
            String id = "n" + (i + 1);
            ids.add(id);
            nodes.add(new SimNode(id, random.nextInt(41) - 20, disk(id)));
        }
        bootstrap = Membership.ofVoters(ids);
        faultPhaseMs = 15_000 + random.nextInt(10_000);
        electionTicks = 10;
        heartbeatTicks = 1 + random.nextInt(3);
        maxEntriesPerAppend = random.nextBoolean() ? 1 : 1 + random.nextInt(8);
        maxInflight = 1 + random.nextInt(4);
        preVote = random.nextInt(4) != 0;
        checkQuorum = random.nextInt(4) != 0;
        snapshotEvery = 5 + random.nextInt(40);
        crashInReadyPermille = random.nextInt(4);
        segmentBytes = 512L << random.nextInt(6); // 512 B to 16 KiB: segments rotate and are deleted often
        leaderChurnPermille = random.nextBoolean() ? 0 : 200 + random.nextInt(600);
        network.maxDelayMs = 2 + random.nextInt(25);
        network.dropPermille = random.nextInt(3) == 0 ? 0 : random.nextInt(80);
        network.duplicatePermille = random.nextInt(30);
        // Drawn apart from the run's random, so a seed without membership changes runs as before they existed.
        // (Mixed first: java.util.Random's first draws from neighbouring seeds are nearly equal.)
        Random membershipRandom = new Random((seed + 1) * 0x9E3779B97F4A7C15L ^ 0x6d656d62657273L);
        // Only with PreVote and CheckQuorum, as every node runs: without them a removed node that never
        // heard of its removal disrupts the cluster with elections forever (dissertation §4.2.3).
        if (preVote && checkQuorum && membershipRandom.nextInt(2) == 0) {
            for (int i = 0; i < 2; i++) {
                String id = "n" + (size + i + 1);
                ids.add(id);
                nodes.add(new SimNode(id, membershipRandom.nextInt(41) - 20, disk(id)));
            }
            membership = new MembershipFaults(this, membershipRandom);
        } else {
            membership = null;
        }
        // By the seed's residue, not by a draw: each service gets a third of any seed range, and
        // the replay line's seed alone tells which service failed.
        service = switch ((int) (seed % 3)) {
            case 0 -> new LockSimService(this);
            case 1 -> new QueueSimService(this);
            default -> new CacheSimService(this);
        };
        workload = new Workload(this, service);
        faults = new Faults(this);
        log("config: service=" + service.name() + " nodes=" + size + " hb=" + heartbeatTicks + " maxEntries=" + maxEntriesPerAppend
                + " inflight=" + maxInflight                + " churn=" + leaderChurnPermille + "‰ preVote=" + preVote + " checkQuorum=" + checkQuorum + " snapshotEvery=" + snapshotEvery
                + " delay<=" + network.maxDelayMs + " drop=" + network.dropPermille + "‰ dup=" + network.duplicatePermille + "‰"
                + (membership == null ? "" : " membership changes, spares " + ids.subList(size, ids.size())));
    }

    Result run() {
        for (SimNode n : nodes) {
            start(n);
            long period = TICK_MS + random.nextInt(3) - 1; // clocks drift a little apart
            schedule(random.nextInt(TICK_MS), new Runnable() {
                @Override
                public void run() {
                    tick(n);
                    schedule(period, this);
                }
            });
        }
        workload.begin();
        faults.begin();
        if (membership != null) {
            membership.begin();
        }
        service.begin();
        runUntil(faultPhaseMs);

        faultPhase = false;
        log("heal everything");
        network.healAll();
        network.dropPermille = 0;
        network.duplicatePermille = 0;
        for (SimNode n : nodes) {
            if (!n.up()) {
                start(n);
            }
        }
        long deadline = now + 60L * electionTicks * TICK_MS;
        while (!workload.livenessMet() && now < deadline) {
            runUntil(now + TICK_MS);
            workload.livenessProbe();
        }
        if (!workload.livenessMet()) {
            throw new AssertionError("liveness: no new entry committed within " + (60 * electionTicks) + " ticks after healing");
        }
        checker.checkLogsPairwise(nodes);
        service.finish();
        checker.checkLogsPairwise(nodes);
        convergence.atEnd(nodes);
        return new Result(service.name(), trace.value(), events, workload.committed, checker.leaderChanges, crashes, checker.readsConfirmed,
                convergence.comparisons, membership != null, checker.configsCommitted,
                service.stats(), worldStats());
    }

    /**
     * What the world did to the nodes: the disks' fsyncs, power cuts inside one, crashes that lost
     * (or tore) unsynced appends; broken requests sent and refused as they must be.
     */
    private Map<String, Long> worldStats() {
        Map<String, Long> stats = new TreeMap<>();
        stats.put("disk.fsyncs", nodes.stream().mapToLong(n -> n.volume.fsyncs).sum());
        stats.put("disk.powerCuts", powerCuts);
        stats.put("disk.unsyncedAppendsLost", nodes.stream().mapToLong(n -> n.volume.unsyncedLost).sum());
        stats.put("disk.tornTailsKept", nodes.stream().mapToLong(n -> n.volume.tornKept).sum());
        stats.put("net.unknownPeerDrops", unknownPeerDrops);
        stats.put("hostile.sent", workload.hostile.sent);
        stats.put("hostile.refusedWithError", workload.hostile.refused);
        return stats;
    }

    void runUntil(long until) {
        while (!queue.isEmpty() && queue.peek().time() <= until) {
            Event e = queue.poll();
            now = e.time();
            e.action().run();
            if (bug != null) {
                throw new AssertionError("at " + now + " ms: " + bug, bug);
            }
            events++;
            checker.afterStep(nodes);
            service.afterStep();
            if (checker.leaderChanges > leadersSeen) {
                leadersSeen = checker.leaderChanges;
                if (faultPhase && random.nextInt(1000) < leaderChurnPermille) {
                    faults.cutDownSoon(leader());
                }
            }
            if (events % 64 == 0) {
                checker.checkLogsPairwise(nodes);
            }
            if (events % 4096 == 0) {
                upNodes().forEach(n -> n.endpoints.scrapeMetrics());
            }
        }
        now = Math.max(now, until);
    }

    void schedule(long delayMs, Runnable action) {
        queue.add(new Event(now + delayMs, seq++, action));
    }

    /**
     * Runs {@code task} on {@code n}'s loop, as the node's Raft loop runs what its inbox holds: as
     * the next event, if {@code n} is still in the same lifetime then, and drains it afterwards.
     */
    void onLoop(SimNode n, Runnable task) {
        onLoop(n, 0, task);
    }

    /** As {@link #onLoop(SimNode, Runnable)}, {@code delayMs} from now (for work the node does beside its loop). */
    void onLoop(SimNode n, long delayMs, Runnable task) {
        int incarnation = n.incarnation;
        schedule(delayMs, () -> {
            if (n.up() && n.incarnation == incarnation) {
                powered(n, task);
                drain(n);
            }
        });
    }

    /** Runs what may write to {@code n}'s disk; a power cut in one of its fsyncs crashes {@code n} there. */
    private void powered(SimNode n, Runnable work) {
        try {
            work.run();
        } catch (SimVolume.PowerCut cut) {
            n.cutDuringWrite = true;
            powerCuts++;
            crash(n, "in an fsync (power cut: what it had not synced is lost, its last write maybe torn)");
        }
    }

    /**
     * Fails the run with {@code bug}, found where it cannot be thrown (in a callback of the code
     * under test, whose future would swallow it): the run stops after the current event.
     */
    void bug(Throwable bug) {
        if (this.bug == null) {
            this.bug = bug;
        }
    }

    // ---- node life cycle ---------------------------------------------------------------------------

    void start(SimNode n) {
        // A spare starts as a node started with --join: no configuration until the leader's log gives it one.
        RaftConfig config = new RaftConfig(n.id, bootstrap.isVoter(n.id) ? bootstrap : Membership.EMPTY, electionTicks, heartbeatTicks, maxEntriesPerAppend, maxInflight,
                preVote, checkQuorum);
        n.start(config, segmentBytes, random::nextInt, () -> service.newStateMachine(n), workload::newReadId, task -> onLoop(n, task));
        n.stamps = new CommandClock(service.clock(n));
        // Its address book, as the node builds it: its --peers (the bootstrap members), then what the
        // configurations its tracker publishes and the peers that reach it declare. A Raft message for
        // an id the sender's book has no address for is dropped, as the peer transport drops it.
        n.directory = new MemberDirectory(bootstrapAddresses());
        n.tracker = new MembershipTracker(n.id, n.core.membership(), MembershipTracker.recorded(n.restored, config.bootstrap()),
                n.directory, () -> { });
        n.replica = new SimReplica(this, n);
        n.endpoints = new SimEndpoints(this, n, service.module(n));
        // The node's own snapshot policy, but by entry count alone (a log share of 0 %): the simulation's
        // small states are snapshotted, and installed on lagging nodes, every few entries.
        SnapshotPolicy snapshots = SnapshotPolicy.atStart(snapshotEvery, 0, n.machine.lastApplied(), n.restored);
        n.pipeline = new ReadyPipeline(n.core, n.durability, n.machine, n.requests, n.duties, n.stamps, service.module(n), snapshots,
                n.store, n.tracker, n.metrics, new SimShell(this, n, crashInReadyPermille));
        checker.onStart(n);
        if (n.machine.lastApplied() > 0) {
            convergence.afterRestore(n);
        }
        service.onRestored(n, true);
        n.pipeline.publishStatus();
        trace.add("start " + n.id);
        log(n.id + " starts: term " + n.core.term() + " log " + n.core.firstIndex() + ".." + n.core.lastIndex()
                + " commit " + n.core.commitIndex());
        drain(n);
    }

    /** Crashes {@code n}; it restarts from its disk a little later (or when everything heals). */
    void crash(SimNode n, String when) {
        crashes++;
        trace.add("crash " + n.id);
        log(n.id + " crashes " + when);
        n.crash();
        int incarnation = n.incarnation;
        schedule(20 + random.nextInt(800), () -> {
            if (!n.up() && n.incarnation == incarnation) {
                start(n);
            }
        });
    }

    private void tick(SimNode n) {
        if (!n.up()) {
            return;
        }
        n.core.tick();
        workload.onTick(n);
        drain(n);
    }

    private void deliver(Message m) {
        SimNode to = node(m.to());
        if (!to.up() || network.isCut(m.from(), m.to())) {
            return;
        }
        to.directory.learn(m.from(), address(m.from())); // the sender declares itself when its stream opens
        RaftMessages.trace(trace, now, m);
        if (verbose) {
            log("  " + RaftMessages.describe(m));
        }
        to.core.step(m);
        drain(to);
    }

    /**
     * A node's disk: a power cut may strike in any fsync of a running node during the fault phase,
     * as often as a crash at one of the pipeline's crash points.
     */
    private SimVolume disk(String id) {
        return new SimVolume(random, () -> faultPhase && node(id).up() && node(id).pipeline != null
                && random.nextInt(1000) < crashInReadyPermille);
    }

    /** Where a node says it is reached; the membership nemesis adds spares at these too. */
    static String address(String id) {
        return "http://" + id + ":7000";
    }

    private Map<String, URI> bootstrapAddresses() {
        Map<String, URI> peers = new TreeMap<>();
        for (String id : bootstrap.voters().keySet()) {
            peers.put(id, URI.create(address(id)));
        }
        return peers;
    }

    SimNode node(String id) {
        return nodes.get(ids.indexOf(id));
    }

    /**
     * Carries out every pending Ready of {@code n} through the node's own {@link ReadyPipeline}, in
     * the order the node's Raft loop does, with this simulation's world behind it ({@link SimShell}:
     * the network, the disk, crash points between the pipeline's steps, and the checks).
     */
    void drain(SimNode n) {
        if (n.up()) {
            powered(n, n.pipeline::drain);
        }
    }

    /**
     * Sends one of the service's own peer messages (not a Raft {@link Message}) over the simulated
     * network: it may be lost, duplicated or delayed like any message, and a cut at delivery time
     * loses it too. On delivery to a running node, {@code handler} runs and the node is drained.
     * A node's message to itself skips the network and is handled as the next event.
     */
    void sendService(String from, String to, String what, Consumer<SimNode> handler) {
        sendService(from, to, what, true, handler);
    }

    /**
     * As {@link #sendService(String, String, String, Consumer)}; unless {@code mayDuplicate}, the
     * message arrives at most once (a request on one HTTP connection: lost or delayed, never twice).
     */
    void sendService(String from, String to, String what, boolean mayDuplicate, Consumer<SimNode> handler) {
        long[] delays = from.equals(to) ? new long[] {0} : network.delaysFor(from, to);
        if (!mayDuplicate && delays.length > 1) {
            delays = new long[] {delays[0]};
        }
        for (long delay : delays) {
            schedule(delay, () -> {
                SimNode dest = node(to);
                if (!dest.up() || network.isCut(from, to)) {
                    return;
                }
                trace.add(now);
                trace.add(what);
                trace.add(from);
                trace.add(to);
                if (verbose) {
                    log("  " + what + " " + from + "->" + to);
                }
                handler.accept(dest);
                drain(dest);
            });
        }
    }

    /**
     * Each message travels as the bytes of the nodes' own peer stream ({@link MessageCodec}'s
     * length-prefixed frame), and each copy delivered is read back from them as the receiving node
     * reads its stream, so a field the codec loses or garbles reaches the receiver's core as it would
     * on a real link.
     */
    void send(List<Message> messages) {
        for (Message m : messages) {
            if (node(m.from()).directory.address(m.to()) == null) {
                unknownPeerDrops++; // as PeerTransport.send: no address, nowhere to send it
                continue;
            }
            long[] delays = network.delaysFor(m);
            if (delays.length == 0) {
                continue;
            }
            byte[] frame = frameOf(m);
            for (long delay : delays) {
                schedule(delay, () -> deliver(readFrame(frame)));
            }
        }
    }

    private static byte[] frameOf(Message m) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            MessageCodec.writeFrame(m, new DataOutputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static Message readFrame(byte[] frame) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(frame))) {
            Message m = MessageCodec.readFrame(in);
            if (MessageCodec.readFrame(in) != null) {
                throw new AssertionError("one frame was sent, more were read");
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The leader of the highest term among running nodes, if any. */
    SimNode leader() {
        SimNode best = null;
        for (SimNode n : nodes) {
            if (n.up() && n.core.role() == Role.LEADER && (best == null || n.core.term() > best.core.term())) {
                best = n;
            }
        }
        return best;
    }

    /**
     * The shortest election timeout any node can have: {@code electionTicks} ticks of the fastest
     * drifting tick period ({@code TICK_MS - 1}).
     */
    long electionTimeoutMinMs() {
        return (long) electionTicks * (TICK_MS - 1);
    }

    /** The nodes of the configuration in force at the leader; every node while none leads. */
    List<SimNode> members() {
        SimNode leader = leader();
        if (leader == null) {
            return nodes;
        }
        Membership m = leader.core.membership();
        return nodes.stream().filter(n -> m.contains(n.id)).toList();
    }

    List<SimNode> upNodes() {
        return nodes.stream().filter(SimNode::up).toList();
    }

    // ---- logging -----------------------------------------------------------------------------------

    boolean verbose() {
        return verbose;
    }

    void log(String line) {
        if (verbose) {
            System.out.println("[" + now + "ms] " + line);
        }
    }
}
