package dev.dsync.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dsync.http.ApiRequest;
import dev.dsync.http.ApiResponse;
import dev.dsync.http.Route;
import dev.dsync.node.LeaderDuties;
import dev.dsync.node.NodeClock;
import dev.dsync.node.ServiceContext;
import dev.dsync.node.ServiceModule;
import dev.dsync.statemachine.StateMachine;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link LeaderDuties} over real cores (here, beside {@link TestCluster}): a leader waits for its last
 * duty entry to apply before it proposes more, but not for an entry that has left its log.
 */
class LeaderDutiesTest {
    /** A service whose leader always has three duties to propose. */
    private static final ServiceModule BUSY = new ServiceModule() {
        @Override
        public StateMachine stateMachine() {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Route> routes(ServiceContext context) {
            return List.of();
        }

        @Override
        public CompletableFuture<ApiResponse> call(ApiRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void registerMetrics(PrometheusRegistry registry) {
        }

        @Override
        public List<byte[]> leaderDuties(long nowMs) {
            return List.of(new byte[] {1}, new byte[] {2}, new byte[] {3});
        }
    };

    private long nowMs;
    private final NodeClock clock = NodeClock.of(() -> nowMs);

    @Test
    void aDutyEntryThatLeftTheLogIsNotWaitedFor() {
        TestCluster c = new TestCluster(3, false, false);
        c.elect("n1");
        c.deliverAll();
        RaftCore n1 = c.core("n1");
        LeaderDuties duties = new LeaderDuties();

        // Cut off, n1 proposes its duties (indexes 2..4); they never commit.
        c.isolate("n1");
        run(duties, n1, c);
        assertEquals(4, n1.lastIndex());
        run(duties, n1, c);
        assertEquals(4, n1.lastIndex(), "the last duty entry is not applied yet: nothing more is proposed");

        // n2 leads term 2 (its no-op at 2); healed, n1's uncommitted 2..4 give way to it.
        c.elect("n2");
        c.heal();
        c.tick("n2", 1);
        c.deliverAll();
        assertEquals(2, n1.lastIndex());

        // n1 leads again over a log that ends before its old duty entry.
        c.elect("n1");
        c.deliverAll();
        assertEquals(3, applied(c, "n1"));
        run(duties, n1, c);
        assertTrue(n1.lastIndex() > 3, "n1 waited for index 4, which it no longer holds, and proposed nothing");
    }

    private void run(LeaderDuties duties, RaftCore core, TestCluster c) {
        nowMs += 1_000;
        duties.run(core, BUSY, applied(c, core.id()), clock);
        c.flush();
    }

    private static long applied(TestCluster c, String id) {
        List<Entry> entries = c.applied.get(id);
        return entries.isEmpty() ? 0 : entries.getLast().index();
    }
}
