package dev.dsync.raft;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Leader side of replication for one leadership (one term): per-follower progress and flow
 * control, heartbeats, the commit rule, CheckQuorum, ReadIndex confirmation, leadership transfer
 * and membership changes. A new instance starts with every follower in probe state.
 *
 * <p>Every member but the leader gets the log, learners included, and so does a removed one until
 * its removal commits (so that it learns of it and stops campaigning); only voters count toward a
 * commit, a read confirmation or a quorum check.
 */
final class Replication {
    /** Data bytes in one AppendRequest (one entry may exceed it alone): keeps peer messages small. */
    static final long MAX_APPEND_BYTES = 4L << 20;
    private final RaftCore core;
    private final RaftLog log;
    private final Map<String, Progress> progress = new LinkedHashMap<>();
    /** Index of this term's first entry (the no-op): committing it makes the commit index current. */
    private long termStartIndex;
    private String transferTarget;
    private int transferElapsed;

    Replication(RaftCore core) {
        this.core = core;
        this.log = core.log;
        track(core.membership());
    }

    /**
     * Starts tracking every member of {@code m} that has no progress yet, probing from the next
     * entry to be appended (a new member's first append then carries the entry that added it).
     */
    private void track(Membership m) {
        for (String peer : m.members()) {
            if (!peer.equals(core.id)) {
                progress.computeIfAbsent(peer, p -> new Progress(log.lastIndex(), core.config.maxInflightAppends()));
            }
        }
    }

    /** Once the configuration in force is committed, stops sending to the nodes it removed. */
    private void forgetRemoved() {
        if (log.membershipIndex() <= log.committed()) {
            progress.keySet().removeIf(peer -> !core.membership().contains(peer));
        }
    }

    long matchOf(String peer) {
        Progress p = progress.get(peer);
        return p == null ? -1 : p.match;
    }

    /** Why no membership change may start now, or null if one may. */
    String whyNoMembershipChange() {
        if (log.committed() < termStartIndex) {
            // A change appended before this term's first commit could overlap a change of an earlier
            // leader that this one does not know is uncommitted (the single-server erratum, §4.1).
            return "the new leader has not yet committed an entry of its term; retry shortly";
        }
        if (log.membershipIndex() > log.committed()) {
            return "a membership change is in progress (index " + log.membershipIndex() + " not yet committed); retry shortly";
        }
        return null;
    }

    /**
     * Why {@code next} should not be appended now, or null: a majority of its voters (this leader
     * among them) must have acknowledged an entry of this leader's term. A voter this leader has not
     * heard from since it was elected may be unreachable; a configuration that needs it stops every
     * commit until it answers. (Lagging a few entries behind is fine: it is reachable and catches up.)
     */
    String whyNotReadyFor(Membership next) {
        List<String> unheard = new ArrayList<>();
        int heard = 0;
        for (String voter : next.voters().keySet()) {
            Progress p = progress.get(voter);
            if (voter.equals(core.id) || (p != null && termStartIndex > 0 && p.match >= termStartIndex)) {
                heard++;
            } else {
                unheard.add(voter);
            }
        }
        if (heard >= next.quorum()) {
            return null;
        }
        return "the voters left, " + next.voters().keySet() + ", need " + next.quorum() + " that acknowledged this leader's term, and "
                + unheard + " have not yet; retry shortly";
    }

    /** Appends a configuration (one step from the one in force, checked by the caller's rules). */
    long appendConfig(Membership next) {
        Membership current = core.membership();
        if (!next.singleChangeFrom(current) || !next.isVoter(core.id)) {
            throw new IllegalStateException("not a single-server step from " + current + " to " + next);
        }
        track(next);
        long index = log.lastIndex() + 1;
        log.append(Entry.config(core.term, index, next));
        broadcastAppends();
        maybeCommit();
        return index;
    }

    /** A learner that holds everything committed is promoted, when no other change is in progress. */
    private void maybePromote(String peer, Progress p) {
        if (core.membership().isLearner(peer) && p.match >= log.committed() && whyNoMembershipChange() == null) {
            appendConfig(core.membership().promoted(peer));
        }
    }

    private void broadcastAppends() {
        for (String peer : progress.keySet()) {
            sendAppends(peer);
        }
    }

    /** Voters' values of {@code valueOf} (ours as {@code own}), sorted: entry {@code length - quorum} is what a quorum reached. */
    private long quorumValue(long own, java.util.function.ToLongFunction<Progress> valueOf) {
        Membership m = core.membership();
        long[] values = new long[m.voters().size()];
        int k = 0;
        for (String voter : m.voters().keySet()) {
            values[k++] = voter.equals(core.id) ? own : valueOf.applyAsLong(progress.get(voter));
        }
        Arrays.sort(values);
        return values[values.length - m.quorum()];
    }

    String transferTarget() {
        return transferTarget;
    }

    long appendAndBroadcast(byte[] data) {
        long index = log.lastIndex() + 1;
        log.append(new Entry(core.term, index, data));
        if (termStartIndex == 0) {
            termStartIndex = index;
        }
        broadcastAppends();
        maybeCommit(); // single-node cluster: nothing to wait for but our own fsync
        return index;
    }

    void tick() {
        core.heartbeatElapsed++;
        if (core.electionElapsed >= core.config.electionTicks()) {
            core.electionElapsed = 0;
            if (core.config.checkQuorum() && !quorumRecentlyActive()) {
                core.becomeFollower(core.term, null); // we may be the stale side of a partition
                return;
            }
            progress.values().forEach(p -> p.recentActive = false);
        }
        if (transferTarget != null && ++transferElapsed >= core.config.electionTicks()) {
            transferTarget = null; // the target did not take over in time: lead on
        }
        for (Map.Entry<String, Progress> e : progress.entrySet()) {
            Progress p = e.getValue();
            // Nothing came back for an election timeout: a message was lost; start over probing.
            if (p.awaitingAck() && ++p.stalledTicks >= core.config.electionTicks()) {
                p.becomeProbe(p.match + 1);
                sendAppends(e.getKey());
            }
        }
        if (core.heartbeatElapsed >= core.config.heartbeatTicks()) {
            broadcastHeartbeat();
            // A learner that caught up while another change was in progress waits for this.
            for (String learner : core.membership().learners().keySet()) {
                maybePromote(learner, progress.get(learner));
            }
        }
    }

    /** For {@link RaftCore#ticksUntilDue}: each counter below is incremented by a tick, then compared. */
    int ticksUntilDue() {
        int electionTicks = core.config.electionTicks();
        int due = Math.min(core.config.heartbeatTicks() - core.heartbeatElapsed, electionTicks - core.electionElapsed);
        if (transferTarget != null) {
            due = Math.min(due, electionTicks - transferElapsed);
        }
        for (Progress p : progress.values()) {
            if (p.awaitingAck()) {
                due = Math.min(due, electionTicks - p.stalledTicks);
            }
        }
        return due;
    }

    private boolean quorumRecentlyActive() {
        long active = 1 + core.voterPeers().stream().filter(v -> progress.get(v).recentActive).count();
        return active >= core.membership().quorum();
    }

    private void broadcastHeartbeat() {
        core.heartbeatElapsed = 0;
        for (Map.Entry<String, Progress> e : progress.entrySet()) {
            Progress p = e.getValue();
            // prev = match, which the follower is known to hold; so it never commits past it.
            long prevTerm = log.term(p.match);
            long prev = prevTerm < 0 ? 0 : p.match;
            core.send(new Message.AppendRequest(core.id, e.getKey(), core.term, prev, Math.max(prevTerm, 0),
                    List.of(), log.committed(), core.reads.round()));
            p.sentCommit(Math.min(log.committed(), prev));
        }
    }

    /** Sends as many appends as flow control allows (one in probe state). */
    private void sendAppends(String peer) {
        while (sendAppend(peer, false)) {
            // keep filling the pipeline
        }
    }

    /**
     * Tells {@code peer} the commit index now, in an empty append, if it could commit more than it has
     * been told. A follower with nothing in flight is told at each commit (see {@link #maybeCommit}); one
     * whose acknowledgement came after the commit learns it from the next append, which under load comes
     * at once, or else from the next heartbeat (100 ms). Telling every such follower at once was measured
     * to cost a one-client enqueue about 15 % (one more message and answer per write), so only a service
     * that waits for that follower's apply asks for it.
     */
    void shareCommit(String peer) {
        Progress p = progress.get(peer);
        if (p != null && p.state == Progress.State.REPLICATE && !p.paused() && p.canBumpCommit(log.committed())) {
            sendAppend(peer, true);
        }
    }

    /** Sends one append (or a snapshot); {@code allowEmpty} lets it carry only the commit index. */
    private boolean sendAppend(String peer, boolean allowEmpty) {
        Progress p = progress.get(peer);
        if (p.paused()) {
            return false;
        }
        long prev = p.next - 1;
        long prevTerm = log.term(prev);
        if (prevTerm < 0) {
            if (prev > log.lastIndex()) {
                throw new IllegalStateException("progress next " + p.next + " beyond log end " + log.lastIndex());
            }
            Snapshot snapshot = log.snapshot();
            p.becomeSnapshot(snapshot.index());
            core.send(new Message.SnapshotRequest(core.id, peer, core.term, snapshot));
            return false;
        }
        List<Entry> entries = log.slice(p.next, log.lastIndex(), core.config.maxEntriesPerAppend(), MAX_APPEND_BYTES);
        if (entries.isEmpty() && !allowEmpty) {
            return false;
        }
        core.send(new Message.AppendRequest(core.id, peer, core.term, prev, prevTerm, entries,
                log.committed(), core.reads.round()));
        p.sentAppend(prev + entries.size(), entries.size());
        p.sentCommit(Math.min(log.committed(), prev + entries.size()));
        return !entries.isEmpty();
    }

    void handleAppendResponse(Message.AppendResponse r) {
        Progress p = progress.get(r.from());
        if (p == null) {
            return; // from a node no longer (or not yet) in our configuration
        }
        p.recentActive = true;
        noteReadAck(p, r.readContext());
        if (r.success()) {
            if (p.acknowledge(r.matchIndex())) {
                if (p.state == Progress.State.PROBE
                        || (p.state == Progress.State.SNAPSHOT && p.match >= p.pendingSnapshot)) {
                    p.becomeReplicate();
                }
                if (maybeCommit()) {
                    maybePromote(r.from(), p);
                    return; // maybeCommit already sent everyone, this follower included, what it can
                }
                maybeSendTimeoutNow(r.from());
                maybePromote(r.from(), p);
            }
        } else if (p.reject(r.matchIndex(), r.rejectHint())) {
            sendAppends(r.from());
            return;
        }
        if (p.state == Progress.State.PROBE) {
            p.probeSent = false; // any answer means the probe is no longer in flight
        }
        sendAppends(r.from());
    }

    void handleSnapshotResponse(Message.SnapshotResponse r) {
        Progress p = progress.get(r.from());
        if (p == null) {
            return;
        }
        p.recentActive = true;
        if (p.state != Progress.State.SNAPSHOT) {
            return; // duplicate or late
        }
        p.acknowledge(r.matchIndex());
        p.becomeProbe(p.match + 1);
        maybeCommit();
        sendAppends(r.from());
    }

    /** Our own entries just became durable: they may now count toward a quorum. */
    void onPersisted() {
        maybeCommit();
    }

    /**
     * Raft §5.4.2: the commit index moves to the highest index a quorum holds, but only if that
     * entry is of the current term (earlier-term entries commit indirectly; cf. Figure 8).
     * Our own copy counts only once persisted.
     */
    private boolean maybeCommit() {
        long quorumIndex = quorumValue(Math.min(log.persisted(), log.lastIndex()), p -> p.match);
        if (quorumIndex <= log.committed() || log.term(quorumIndex) != core.term) {
            return false;
        }
        log.commitTo(quorumIndex);
        forgetRemoved();
        if (core.reads.hasHeld() && log.committed() >= termStartIndex) {
            core.reads.releaseHeld(log.committed());
            confirmReads();
            broadcastHeartbeat();
        }
        // Tell followers the new commit index; an idle one gets an empty append.
        for (Map.Entry<String, Progress> e : progress.entrySet()) {
            Progress p = e.getValue();
            boolean idle = p.state == Progress.State.REPLICATE && p.inflight.isEmpty();
            if (!sendAppend(e.getKey(), idle)) {
                continue;
            }
            sendAppends(e.getKey());
        }
        maybeSendTimeoutNowToAny();
        return true;
    }

    // ---- ReadIndex -------------------------------------------------------------------------------

    void readIndex(long requestId) {
        if (log.committed() < termStartIndex) {
            core.reads.holdUntilOwnTermCommit(requestId);
            return;
        }
        core.reads.start(requestId, log.committed());
        if (core.voterPeers().isEmpty()) {
            confirmReads();
        } else {
            broadcastHeartbeat();
        }
    }

    private void noteReadAck(Progress p, long round) {
        if (round > p.ackedReadRound) {
            p.ackedReadRound = round;
            confirmReads();
        }
    }

    private void confirmReads() {
        if (!core.reads.hasPending()) {
            return;
        }
        // The leader confirms its own round trivially.
        core.reads.confirmUpTo(quorumValue(core.reads.round(), p -> p.ackedReadRound));
    }

    // ---- leadership transfer ---------------------------------------------------------------------

    void transferTo(String target) {
        if (target.equals(transferTarget)) {
            return;
        }
        transferTarget = target;
        transferElapsed = 0;
        Progress p = progress.get(target);
        if (p.match < log.lastIndex() && p.state == Progress.State.REPLICATE) {
            // Do not wait for a stalled pipeline to time out: the transfer has one election timeout.
            p.becomeProbe(p.match + 1);
        }
        maybeSendTimeoutNow(target);
        sendAppends(target);
    }

    private void maybeSendTimeoutNowToAny() {
        if (transferTarget != null) {
            maybeSendTimeoutNow(transferTarget);
        }
    }

    /** Once the target holds our whole log, tell it to campaign at once. */
    private void maybeSendTimeoutNow(String peer) {
        if (peer.equals(transferTarget) && progress.get(peer).match == log.lastIndex()) {
            core.send(new Message.TimeoutNow(core.id, peer, core.term));
        }
    }

    String bestTransferTarget() {
        String best = null;
        long bestMatch = -1;
        for (Map.Entry<String, Progress> e : progress.entrySet()) {
            if (!core.membership().isVoter(e.getKey())) {
                continue;
            }
            if (e.getValue().recentActive && e.getValue().match > bestMatch) {
                best = e.getKey();
                bestMatch = e.getValue().match;
            }
        }
        return best;
    }
}
