package dev.dsync.checker.history;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds the attempts of one client request into one operation. A client that retries a request
 * with the same {@code client_id} and {@code request_id} after an unknown outcome asks a server
 * with client sessions for one effect, not two: the server applies the request at most once and
 * answers every attempt with the first answer. So the attempts are one operation that may take
 * effect anywhere from the first attempt's invoke to the first ok answer.
 *
 * <p>The ids are read from the invoke event's extra fields ({@code client_id}, {@code request_id})
 * or, failing that, from the invoke value ({@code client} or {@code client_id}, {@code request_id}).
 * Operations without both ids are left alone. The folded operation keeps the first attempt's id,
 * process and invoke; its completion is the first ok attempt's, else (no ok) unknown if any attempt
 * was unknown, else the last failure. Attempts of different {@code f} are never folded.
 */
public final class RequestRetries {
    private RequestRetries() {
    }

    /** {@code ops} in invoke order, with every retried request's attempts folded into one operation. */
    public static List<Operation> fold(List<Operation> ops) {
        Map<String, List<Operation>> chains = new LinkedHashMap<>();
        for (Operation op : ops) {
            String id = requestOf(op);
            if (id != null) {
                chains.computeIfAbsent(id, k -> new ArrayList<>()).add(op);
            }
        }
        if (chains.values().stream().allMatch(c -> c.size() == 1)) {
            return ops;
        }
        Map<Operation, Operation> replaced = new java.util.IdentityHashMap<>();
        for (List<Operation> chain : chains.values()) {
            if (chain.size() > 1) {
                Operation folded = folded(chain);
                replaced.put(chain.get(0), folded);
                for (int i = 1; i < chain.size(); i++) {
                    replaced.put(chain.get(i), null);
                }
            }
        }
        List<Operation> out = new ArrayList<>(ops.size());
        for (Operation op : ops) {
            if (!replaced.containsKey(op)) {
                out.add(op);
            } else if (replaced.get(op) != null) {
                out.add(replaced.get(op));
            }
        }
        return out;
    }

    private static Operation folded(List<Operation> chain) {
        Operation first = chain.get(0);
        Operation end = null;
        for (Operation op : chain) {
            if (op.outcome() == Outcome.OK) {
                end = op;
                break;
            }
        }
        if (end == null) {
            end = chain.stream().filter(op -> op.outcome() == Outcome.INFO).findFirst().orElse(chain.get(chain.size() - 1));
        }
        return new Operation(first.id(), first.process(), first.f(), first.key(), first.invokeValue(), end.resultValue(),
                end.outcome(), first.invokeIndex(), end.completeIndex(), first.invokeTime(), end.completeTime(),
                end.node(), end.error(), first.invokeLine(), first.invokeExtra(), end.resultExtra());
    }

    /** "f client request" when the operation names both ids, else null. */
    private static String requestOf(Operation op) {
        JsonNode request = op.invokeExtra("request_id");
        JsonNode client = op.invokeExtra("client_id");
        JsonNode value = op.invokeValue();
        if (value != null && value.isObject()) {
            if (request == null) {
                request = nonNull(value.get("request_id"));
            }
            if (client == null) {
                client = nonNull(value.has("client") ? value.get("client") : value.get("client_id"));
            }
        }
        if (request == null || client == null) {
            return null;
        }
        return op.f() + "\u0000" + client.asText() + "\u0000" + request.asText();
    }

    private static JsonNode nonNull(JsonNode v) {
        return v == null || v.isNull() ? null : v;
    }
}
