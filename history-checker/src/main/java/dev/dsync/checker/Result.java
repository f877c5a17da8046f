package dev.dsync.checker;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The result of checking a history against a model.
 *
 * @param counts  operation counts: {@code total}, per outcome ({@code ok}, {@code fail},
 *                {@code info}) and per {@code f} and outcome (e.g. {@code "write": {"ok": 3}})
 * @param keys    per-key results, in order of first appearance in the history
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Result(String model, Verdict verdict, String summary, Map<String, Object> counts, int nemesisSteps,
                     List<KeyResult> keys, long millis) {

    /** Keys whose verdict is not valid (the ones a reader wants first). */
    public List<KeyResult> problemKeys() {
        return keys.stream().filter(k -> k.verdict() != Verdict.VALID).toList();
    }
}
