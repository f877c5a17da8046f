package dev.dsync.checker;

import dev.dsync.checker.history.History;
import dev.dsync.checker.history.Operation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds the human-readable summary line and the operation counts of a {@link Result}. */
final class Summaries {
    private Summaries() {
    }

    static String summary(String model, Verdict verdict, List<KeyResult> keys) {
        long invalid = keys.stream().filter(k -> k.verdict() == Verdict.INVALID).count();
        long unknown = keys.stream().filter(k -> k.verdict() == Verdict.UNKNOWN).count();
        String head = verdict.wireName().toUpperCase(java.util.Locale.ROOT) + " (" + model + "): " + keys.size() + " key(s)";
        if (verdict == Verdict.VALID) {
            return head + ", all valid";
        }
        StringBuilder s = new StringBuilder(head);
        if (invalid > 0) {
            s.append(", ").append(invalid).append(" invalid");
        }
        if (unknown > 0) {
            s.append(", ").append(unknown).append(" unknown");
        }
        keys.stream().filter(k -> k.verdict() != Verdict.VALID).findFirst()
                .ifPresent(k -> s.append("; key ").append(keyName(k.key())).append(": ").append(k.reason()));
        return s.toString();
    }

    /** Display name of a key; operations without a key are grouped under null. */
    static String keyName(String key) {
        return key == null ? "(no key)" : key;
    }

    static Map<String, Object> counts(History h) {
        Map<String, Object> counts = new LinkedHashMap<>();
        Map<String, Integer> byOutcome = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> byF = new TreeMap<>();
        byOutcome.put("ok", 0);
        byOutcome.put("fail", 0);
        byOutcome.put("info", 0);
        for (Operation op : h.operations()) {
            String o = op.outcome().wireName();
            byOutcome.merge(o, 1, Integer::sum);
            byF.computeIfAbsent(op.f(), f -> new TreeMap<>()).merge(o, 1, Integer::sum);
        }
        counts.put("total", h.operations().size());
        counts.putAll(byOutcome);
        counts.put("byF", byF);
        return counts;
    }
}
