package dev.dsync.chaos.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A CI run must exercise the targeted shapes whatever seed it drew. */
class ScheduleTest {

    @Test
    void everySeedsTwentySecondScheduleContainsTheRequiredLeaderShapes() {
        for (String nemesis : Schedule.NEMESES) {
            for (long seed = 0; seed < 2_000; seed++) {
                Schedule s = Schedule.generate(nemesis, seed, 20_000);
                List<FaultKind> kinds = s.steps().stream().map(Schedule.Step::kind).toList();
                for (FaultKind required : Schedule.required(nemesis)) {
                    assertTrue(kinds.contains(required), nemesis + " seed " + seed + " lacks " + required + ": " + kinds);
                }
                long previousEnd = 0;
                for (Schedule.Step step : s.steps()) {
                    assertTrue(step.startMs() >= previousEnd + (previousEnd == 0 ? 0 : 1_000), "faults overlap: " + s);
                    assertTrue(step.startMs() + step.durationMs() <= 20_000, "fault outlives the run: " + s);
                    previousEnd = step.startMs() + step.durationMs();
                }
            }
        }
    }

    @Test
    void theKillMixedPartitionAndPauseNemesesEachRequireTheirLeaderShape() {
        assertTrue(Schedule.required("kill").contains(FaultKind.KILL_LEADER));
        assertTrue(Schedule.required("kill").contains(FaultKind.KILL_STALE_LOG));
        assertTrue(Schedule.required("kill").contains(FaultKind.KILL_HANDOVER_LATE));
        assertTrue(Schedule.required("partition").contains(FaultKind.PARTITION_ISOLATE_LEADER));
        assertTrue(Schedule.required("partition").contains(FaultKind.PARTITION_ISOLATE_FOLLOWER));
        assertTrue(Schedule.required("partition").contains(FaultKind.PARTITION_REMOVE_UNREACHABLE));
        assertTrue(Schedule.required("pause").contains(FaultKind.PAUSE_LEADER));
        assertTrue(Schedule.required("latency").contains(FaultKind.LATENCY_LEADER));
        assertTrue(Schedule.required("mixed").containsAll(Schedule.LEADER_SHAPES));
        assertEquals(List.of(), Schedule.required("none"));
    }

    @Test
    void membershipRunsMakeEveryKindOfChangeTheLeadersRemovalIncluded() {
        assertEquals(List.of(FaultKind.MEMBERSHIP_ADD_DURING_CUT, FaultKind.MEMBERSHIP_REMOVE_FOLLOWER, FaultKind.MEMBERSHIP_REMOVE_LEADER,
                FaultKind.MEMBERSHIP_REPLACE), Schedule.required("membership"));
        for (long seed = 0; seed < 200; seed++) {
            for (Schedule.Step step : Schedule.generate("membership", seed, 20_000).steps()) {
                assertEquals("membership", step.kind().family, "membership runs make membership changes only");
            }
        }
        assertEquals("membership/remove-leader",
                new Schedule.Step(0, 1, FaultKind.MEMBERSHIP_REMOVE_LEADER, 0).shapeName());
    }

    @Test
    void mixedDrawsMembershipChangesToo() {
        long seedsWithOne = java.util.stream.LongStream.range(0, 2_000)
                .filter(seed -> Schedule.generate("mixed", seed, 20_000).steps().stream()
                        .anyMatch(step -> step.kind().family.equals("membership")))
                .count();
        assertTrue(seedsWithOne > 0, "no mixed schedule of 2,000 seeds draws a membership change");
    }

    @Test
    void theSameSeedGivesTheSameSchedule() {
        assertEquals(Schedule.generate("mixed", 42, 20_000), Schedule.generate("mixed", 42, 20_000));
    }
}
