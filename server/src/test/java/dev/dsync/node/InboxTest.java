package dev.dsync.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dsync.raft.Message;
import dev.dsync.raft.PersistentState;
import dev.dsync.raft.RaftConfig;
import dev.dsync.raft.RaftCore;
import dev.dsync.raft.Ready;
import dev.dsync.raft.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Raft loop's inbox puts events and ticks back in the order they happened. The last two tests
 * run a real core through a loop stall (a slow fsync, a GC pause) during which its peers' messages
 * kept arriving on time: the core must not see an election timeout or a failed quorum check that
 * did not happen. Delivering the elapsed ticks first (the loop's order before) fails both.
 */
class InboxTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long TICK = 25 * MS;
    private static final List<String> MEMBERS = List.of("n1", "n2", "n3");

    private long now;
    private final Inbox inbox = new Inbox(() -> now);

    @Test
    void eachEventComesAfterTheTicksThatFellDueBeforeItArrived() throws InterruptedException {
        TickSchedule ticks = new TickSchedule(TICK, 100, 0);
        List<String> order = new ArrayList<>();
        now = 30 * MS;
        inbox.add(() -> order.add("a"));
        now = 80 * MS;
        inbox.add(() -> order.add("b"));
        now = 200 * MS;
        inbox.runDue(inbox.poll(0), ticks, () -> order.add("t"));
        assertEquals(List.of("t", "a", "t", "t", "b", "t", "t", "t", "t", "t"), order);
    }

    @Test
    void stampsOutOfOrderNeverTakeTheScheduleBack() throws InterruptedException {
        TickSchedule ticks = new TickSchedule(TICK, 100, 0);
        List<String> order = new ArrayList<>();
        now = 80 * MS;
        inbox.add(() -> order.add("late"));
        now = 30 * MS; // stamped earlier, queued later: another thread lost the race to the queue
        inbox.add(() -> order.add("early"));
        now = 100 * MS;
        inbox.runDue(inbox.poll(0), ticks, () -> order.add("t"));
        assertEquals(List.of("t", "t", "t", "late", "early", "t"), order);
    }

    @Test
    void aWakeForATickDeliversTheTicksDueByNow() {
        TickSchedule ticks = new TickSchedule(TICK, 100, 0);
        List<String> order = new ArrayList<>();
        now = 60 * MS;
        inbox.runDue(null, ticks, () -> order.add("t"));
        assertEquals(List.of("t", "t"), order);
    }

    @Test
    void aFollowerWhoseLoopStalledDoesNotCampaignAgainstTheLeaderItHeardMeanwhile() throws InterruptedException {
        RaftCore follower = core("n1");
        TickSchedule ticks = new TickSchedule(TICK, 2 * follower.electionTicks(), 0);
        // The loop stalls for 1.2 s, past the longest randomized election timeout (600 ms), while
        // the leader's heartbeats arrive every 100 ms.
        for (long at = 100; at <= 1200; at += 100) {
            now = at * MS;
            Message heartbeat = new Message.AppendRequest("n2", "n1", 1, 0, 0, List.of(), 0, at);
            inbox.add(() -> follower.step(heartbeat));
        }
        now = 1200 * MS;
        inbox.runDue(inbox.poll(0), ticks, follower::tick);
        assertEquals(Role.FOLLOWER, follower.role());
        assertEquals("n2", follower.leaderId());
        // Not even a PreVote round that the next heartbeat ended: it would have stood in the Ready.
        assertTrue(follower.ready().messages().stream().noneMatch(m -> m instanceof Message.VoteRequest),
                "the follower asked for votes");
    }

    @Test
    void aLeaderWhoseLoopStalledKeepsLeadingWhenItsFollowersAnsweredInTime() throws InterruptedException {
        RaftCore leader = core("n1");
        now = elect(leader);
        long term = leader.term();
        long match = leader.lastIndex();
        TickSchedule ticks = new TickSchedule(TICK, 2 * leader.electionTicks(), now);
        // A 1.2 s stall (four CheckQuorum windows of 300 ms) with both followers answering every 100 ms.
        long start = now;
        for (long at = 100; at <= 1200; at += 100) {
            now = start + at * MS;
            for (String peer : List.of("n2", "n3")) {
                Message ack = new Message.AppendResponse(peer, "n1", term, true, match, 0, 0);
                inbox.add(() -> leader.step(ack));
            }
        }
        inbox.runDue(inbox.poll(0), ticks, leader::tick);
        assertEquals(Role.LEADER, leader.role());
        assertEquals(term, leader.term());
    }

    private static RaftCore core(String id) {
        Random random = new Random(7);
        RaftConfig config = new RaftConfig(id, MEMBERS, 12, 4, 64, 4, true, true);
        return new RaftCore(config, random::nextInt, PersistentState.EMPTY);
    }

    /** Ticks {@code core} into an election and grants every vote it asks for; returns the time it won. */
    private static long elect(RaftCore core) {
        long at = 0;
        for (int i = 0; i < 100 && core.role() != Role.LEADER; i++) {
            core.tick();
            at += TICK;
            while (core.hasReady()) {
                Ready ready = core.ready();
                core.advance(ready);
                for (Message m : ready.messages()) {
                    if (m instanceof Message.VoteRequest v) {
                        core.step(new Message.VoteResponse(v.to(), v.from(), v.term(), true, v.preVote()));
                    }
                }
            }
        }
        assertEquals(Role.LEADER, core.role());
        return at;
    }
}
