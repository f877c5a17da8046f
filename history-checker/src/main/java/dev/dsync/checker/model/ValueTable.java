package dev.dsync.checker.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Interns JSON values as small ints so model states can be longs. Id 0 is the absent value
 * (JSON null or no value). Two values are equal iff their compact JSON text is equal, so
 * {@code 5} and {@code 5} from different number types match, while {@code 5} and {@code 5.0} do not.
 */
public final class ValueTable {
    public static final int NIL = 0;
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> texts = new ArrayList<>();

    public ValueTable() {
        texts.add("null");
        ids.put("null", NIL);
    }

    public int id(JsonNode v) {
        String text = v == null ? "null" : v.toString();
        Integer id = ids.get(text);
        if (id == null) {
            id = texts.size();
            ids.put(text, id);
            texts.add(text);
        }
        return id;
    }

    public String text(int id) {
        return id >= 0 && id < texts.size() ? texts.get(id) : "?" + id;
    }

    public int size() {
        return texts.size();
    }
}
