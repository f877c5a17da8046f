package dev.dsync.checker;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.dsync.checker.queue.QueueReport;
import java.util.List;

/**
 * The verdict for one key.
 *
 * @param operations        client operations on this key in the history
 * @param searched          operations the search had to place or consider after reductions
 * @param configurations    distinct configurations explored by the search
 * @param longestPrefix     longest linearizable prefix reached (how far the search got)
 * @param reason            for unknown (and some invalid) verdicts, why
 * @param notes             reductions and model assumptions applied to this key
 * @param counterexample    for a linearizability violation
 * @param queue             for total-queue
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KeyResult(String key, Verdict verdict, int operations, int searched, long configurations,
                        int longestPrefix, long millis, String reason, List<String> notes,
                        Counterexample counterexample, QueueReport queue) {
}
