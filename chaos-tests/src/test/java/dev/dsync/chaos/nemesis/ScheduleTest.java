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
        assertTrue(Schedule.required("partition").contains(FaultKind.PARTITION_ISOLATE_LEADER));
        assertTrue(Schedule.required("partition").contains(FaultKind.PARTITION_ISOLATE_FOLLOWER));
        assertTrue(Schedule.required("pause").contains(FaultKind.PAUSE_LEADER));
        assertTrue(Schedule.required("latency").contains(FaultKind.LATENCY_LEADER));
        assertTrue(Schedule.required("mixed").containsAll(Schedule.LEADER_SHAPES));
        assertEquals(List.of(), Schedule.required("none"));
    }

    @Test
    void theSameSeedGivesTheSameSchedule() {
        assertEquals(Schedule.generate("mixed", 42, 20_000), Schedule.generate("mixed", 42, 20_000));
    }
}
