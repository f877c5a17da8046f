package dev.dsync.sim;

import dev.dsync.raft.Entry;
import dev.dsync.raft.Membership;
import dev.dsync.raft.RaftCore;
import dev.dsync.raft.ReadState;
import dev.dsync.raft.Role;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Raft's safety properties (Figure 3 of the paper), checked against the whole run (the service's
 * own invariants are its {@link SimService}'s). Throws {@link AssertionError} on the first violation.
 */
final class SafetyChecker {
    private record EntryId(long index, long term) {}

    private record Fixed(long prevTerm, byte[] data) {}

    /** One committed entry: what it is, and the lowest term of a node that applied it. */
    private static final class Committed {
        final long term;
        final byte[] data;
        long seenAtTerm;

        Committed(long term, byte[] data, long seenAtTerm) {
            this.term = term;
            this.data = data;
            this.seenAtTerm = seenAtTerm;
        }
    }

    private final Map<Long, String> leaderOfTerm = new HashMap<>();
    /** Every entry ever handed out for persisting: (index, term) fixes its predecessor's term and data. */
    private final Map<EntryId, Fixed> entries = new HashMap<>();
    private final Map<Long, Committed> applied = new HashMap<>();
    private final Map<String, Long> lastCommit = new HashMap<>();
    private final Map<String, Long> lastApplied = new HashMap<>();
    private final Map<Long, Long> readRequiredIndex = new HashMap<>();
    private long highestApplied;
    long leaderChanges;
    long readsConfirmed;
    /** Configuration entries applied (each index once). */
    long configsCommitted;

    /** A node (re)started: its volatile history starts over from what its disk holds. */
    void onStart(SimNode n) {
        lastCommit.put(n.id, n.core.commitIndex());
        lastApplied.put(n.id, n.core.appliedIndex());
    }

    /** Log Matching, incrementally: every entry of a given (index, term) has the same data and predecessor term. */
    void onEntriesToPersist(SimNode n, List<Entry> toPersist) {
        if (toPersist.isEmpty()) {
            return;
        }
        long prevTerm = n.core.termAt(toPersist.getFirst().index() - 1);
        for (Entry e : toPersist) {
            Fixed fixed = new Fixed(prevTerm, e.data());
            Fixed earlier = entries.putIfAbsent(new EntryId(e.index(), e.term()), fixed);
            if (earlier != null && (earlier.prevTerm != prevTerm || !Arrays.equals(earlier.data, e.data()))) {
                fail("Log Matching: entry " + e.index() + "/" + e.term() + " on " + n.id + " differs from another copy");
            }
            prevTerm = e.term();
        }
    }

    void onSnapshotRestore(SimNode n, long snapshotIndex) {
        lastApplied.put(n.id, snapshotIndex);
    }

    /** State Machine Safety: every node applies the same entry at an index, in index order. */
    void onApply(SimNode n, Entry e) {
        long expected = lastApplied.get(n.id) + 1;
        if (e.index() != expected) {
            fail(n.id + " applied index " + e.index() + " but expected " + expected);
        }
        lastApplied.put(n.id, e.index());
        Committed c = applied.get(e.index());
        if (c == null) {
            applied.put(e.index(), new Committed(e.term(), e.data(), n.core.term()));
            configsCommitted += e.isConfig() ? 1 : 0;
        } else if (c.term != e.term() || !Arrays.equals(c.data, e.data())) {
            fail("State Machine Safety: " + n.id + " applied " + e.index() + "/" + e.term() + " where another node applied term " + c.term);
        } else {
            c.seenAtTerm = Math.min(c.seenAtTerm, n.core.term());
        }
        highestApplied = Math.max(highestApplied, e.index());
    }

    void onReadIssued(long requestId) {
        readRequiredIndex.put(requestId, highestApplied);
    }

    /** Linearizable reads: the read index covers every entry any node applied before the read began. */
    void onReadState(SimNode n, ReadState rs) {
        Long required = readRequiredIndex.remove(rs.requestId());
        if (required == null) {
            fail("unknown read " + rs.requestId() + " confirmed on " + n.id);
        }
        if (rs.index() < required) {
            fail("stale read on " + n.id + ": read index " + rs.index() + " but " + required + " was applied before the read began");
        }
        readsConfirmed++;
    }

    void onReadDropped(long requestId) {
        readRequiredIndex.remove(requestId);
    }

    /** Checks that hold at every instant; called after every simulation step. */
    void afterStep(List<SimNode> nodes) {
        for (SimNode n : nodes) {
            if (!n.up()) {
                continue;
            }
            RaftCore core = n.core;
            long commit = core.commitIndex();
            long previousCommit = lastCommit.get(n.id);
            if (commit < previousCommit) {
                fail(n.id + " commit index went back from " + lastCommit.get(n.id) + " to " + commit);
            }
            lastCommit.put(n.id, commit);
            if (commit > core.lastIndex()) {
                fail(n.id + " commit " + commit + " beyond its last index " + core.lastIndex());
            }
            if (core.role() != Role.FOLLOWER && !core.membership().isVoter(n.id)) {
                fail(n.id + " is " + core.role() + " but no voter of its configuration (" + core.membership() + ")");
            }
            if (core.role() == Role.LEADER && commit > previousCommit) {
                checkCommitQuorum(n, nodes);
            }
            if (core.role() == Role.LEADER) {
                String earlier = leaderOfTerm.putIfAbsent(core.term(), n.id);
                if (earlier == null) {
                    leaderChanges++;
                    checkLeaderCompleteness(n);
                } else if (!earlier.equals(n.id)) {
                    fail("Election Safety: " + earlier + " and " + n.id + " both led term " + core.term());
                }
            }
        }
    }

    /**
     * A leader's new commit index is on the disks of a majority of the voters of its configuration
     * in force: learners, removed nodes and nodes outside it do not count.
     */
    private void checkCommitQuorum(SimNode leader, List<SimNode> nodes) {
        long index = leader.core.commitIndex();
        long term = leader.core.termAt(index);
        if (term < 0) {
            return; // compacted away already: checked when it was committed
        }
        Membership m = leader.core.membership();
        long holders = nodes.stream().filter(v -> m.isVoter(v.id) && v.store != null && v.store.holds(index, term)).count();
        if (holders < m.quorum()) {
            fail(leader.id + " committed " + index + "/" + term + " held by " + holders + " voters of " + m
                    + " (quorum " + m.quorum() + ")");
        }
    }

    /** Every entry applied anywhere while at a lower term is in a new leader's log. */
    private void checkLeaderCompleteness(SimNode leader) {
        RaftCore core = leader.core;
        for (Map.Entry<Long, Committed> e : applied.entrySet()) {
            long index = e.getKey();
            Committed c = e.getValue();
            if (c.seenAtTerm >= core.term() || index < core.firstIndex()) {
                continue; // not known committed before this term, or covered by the leader's snapshot
            }
            if (core.termAt(index) != c.term) {
                fail("Leader Completeness: " + leader.id + " leads term " + core.term() + " without committed entry "
                        + index + "/" + c.term + " (has term " + core.termAt(index) + ")");
            }
        }
    }

    /** Log Matching by direct comparison of the in-memory logs of every pair of running nodes. */
    void checkLogsPairwise(List<SimNode> nodes) {
        for (int i = 0; i < nodes.size(); i++) {
            for (int j = i + 1; j < nodes.size(); j++) {
                if (nodes.get(i).up() && nodes.get(j).up()) {
                    comparePair(nodes.get(i), nodes.get(j));
                }
            }
        }
    }

    private void comparePair(SimNode a, SimNode b) {
        long from = Math.max(a.core.firstIndex(), b.core.firstIndex());
        long to = Math.min(a.core.lastIndex(), b.core.lastIndex());
        boolean mustMatch = false;
        for (long index = to; index >= from; index--) {
            Entry x = a.core.entryAt(index);
            Entry y = b.core.entryAt(index);
            if (x.term() == y.term()) {
                mustMatch = true;
                if (!Arrays.equals(x.data(), y.data())) {
                    fail("Log Matching: " + a.id + " and " + b.id + " differ in data at " + index + "/" + x.term());
                }
            } else if (mustMatch) {
                fail("Log Matching: " + a.id + " and " + b.id + " share a later entry but differ at " + index);
            }
        }
    }

    private static void fail(String message) {
        throw new AssertionError(message);
    }
}
