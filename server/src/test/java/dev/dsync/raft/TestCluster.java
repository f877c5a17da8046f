package dev.dsync.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A hand-driven cluster for scenario tests: cores in memory, messages queued until delivered,
 * links that can be cut, and every Ready carried out at once (persist is a no-op; applied entries
 * are recorded). Deterministic: the randomness is seeded.
 */
final class TestCluster {
    final Map<String, RaftCore> cores = new LinkedHashMap<>();
    final Map<String, List<Entry>> applied = new LinkedHashMap<>();
    final Map<String, List<Ready>> readies = new LinkedHashMap<>();
    final ArrayDeque<Message> wire = new ArrayDeque<>();
    /** Every message ever sent, in order. */
    final List<Message> sent = new ArrayList<>();
    private final Set<String> cut = new HashSet<>();
    private final Random random = new Random(42);

    TestCluster(int size, boolean preVote, boolean checkQuorum) {
        this(size, id -> new RaftConfig(id, ids(size), 10, 1, 64, 4, preVote, checkQuorum));
    }

    TestCluster(int size, java.util.function.Function<String, RaftConfig> config) {
        for (String id : ids(size)) {
            add(config.apply(id), PersistentState.EMPTY);
        }
    }

    static List<String> ids(int size) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            ids.add("n" + i);
        }
        return ids;
    }

    RaftCore add(RaftConfig config, PersistentState restored) {
        RaftCore core = new RaftCore(config, random::nextInt, restored);
        cores.put(config.id(), core);
        applied.putIfAbsent(config.id(), new ArrayList<>());
        readies.put(config.id(), new ArrayList<>());
        return core;
    }

    RaftCore core(String id) {
        return cores.get(id);
    }

    void isolate(String id) {
        for (String other : cores.keySet()) {
            if (!other.equals(id)) {
                cut.add(id + ">" + other);
                cut.add(other + ">" + id);
            }
        }
    }

    void cutOneWay(String from, String to) {
        cut.add(from + ">" + to);
    }

    void heal() {
        cut.clear();
    }

    /** Carries out every pending Ready of every node; messages go onto the wire. */
    void flush() {
        boolean any = true;
        while (any) {
            any = false;
            for (Map.Entry<String, RaftCore> e : cores.entrySet()) {
                RaftCore core = e.getValue();
                while (core.hasReady()) {
                    any = true;
                    Ready r = core.ready();
                    readies.get(e.getKey()).add(r);
                    for (Message m : r.messages()) {
                        sent.add(m);
                        if (!cut.contains(m.from() + ">" + m.to())) {
                            wire.add(m);
                        }
                    }
                    applied.get(e.getKey()).addAll(r.committed());
                    core.advance(r);
                }
            }
        }
    }

    /** Delivers queued messages (and their consequences) until none is left, dropping those that match {@code drop}. */
    void deliverAll(Predicate<Message> drop) {
        flush();
        for (int guard = 0; !wire.isEmpty(); guard++) {
            if (guard > 100_000) {
                throw new IllegalStateException("message storm");
            }
            Message m = wire.poll();
            if (!drop.test(m) && !cut.contains(m.from() + ">" + m.to())) {
                cores.get(m.to()).step(m);
            }
            flush();
        }
    }

    void deliverAll() {
        deliverAll(m -> false);
    }

    /** Ticks every node once, then delivers everything. */
    void tickAll() {
        cores.values().forEach(RaftCore::tick);
        deliverAll();
    }

    void tick(String id, int times) {
        for (int i = 0; i < times; i++) {
            cores.get(id).tick();
            flush();
        }
    }

    /** Makes {@code id} campaign by ticking it alone past any election timeout, then delivers. */
    void elect(String id) {
        RaftCore core = cores.get(id);
        for (int i = 0; i < 40 && core.role() != Role.LEADER; i++) {
            core.tick();
            deliverAll();
        }
        if (core.role() != Role.LEADER) {
            throw new IllegalStateException(id + " did not become leader");
        }
    }

    List<String> leaders() {
        return cores.entrySet().stream().filter(e -> e.getValue().role() == Role.LEADER).map(Map.Entry::getKey).toList();
    }

    long propose(String id, String data) {
        try {
            long index = cores.get(id).propose(data.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            flush();
            return index;
        } catch (RaftCore.NotLeaderException e) {
            throw new IllegalStateException(e);
        }
    }

    List<ReadState> readStates(String id) {
        return readies.get(id).stream().flatMap(r -> r.readStates().stream()).toList();
    }

    List<Long> droppedReads(String id) {
        return readies.get(id).stream().flatMap(r -> r.droppedReads().stream()).toList();
    }
}
