package dev.dsync.checker.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;
import us.bpsm.edn.Keyword;
import us.bpsm.edn.TaggedValue;

/**
 * Converts parsed EDN values to JSON trees so both formats share one decoder: keywords become
 * their name ({@code :ok} to "ok", {@code :a/b} to "a/b"), vectors, lists and sets become arrays,
 * tagged values (such as Jepsen's operation records) are replaced by their content.
 */
final class EdnToJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final int MAX_DEPTH = 200;

    private EdnToJson() {
    }

    static JsonNode convert(Object v) {
        return convert(v, 0);
    }

    private static JsonNode convert(Object v, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("EDN value nested deeper than " + MAX_DEPTH);
        }
        if (v == null) {
            return F.nullNode();
        } else if (v instanceof Boolean b) {
            return F.booleanNode(b);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return F.numberNode(((Number) v).longValue());
        } else if (v instanceof BigInteger bi) {
            return bi.bitLength() < 64 ? F.numberNode(bi.longValue()) : F.numberNode(bi);
        } else if (v instanceof BigDecimal bd) {
            return F.numberNode(bd);
        } else if (v instanceof Number n) {
            return F.numberNode(n.doubleValue());
        } else if (v instanceof Keyword k) {
            return F.textNode(name(k));
        } else if (v instanceof CharSequence || v instanceof Character) {
            return F.textNode(v.toString());
        } else if (v instanceof TaggedValue t) {
            return convert(t.getValue(), depth + 1);
        } else if (v instanceof Map<?, ?> m) {
            ObjectNode o = F.objectNode();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                o.set(mapKey(e.getKey()), convert(e.getValue(), depth + 1));
            }
            return o;
        } else if (v instanceof Collection<?> c) {
            ArrayNode a = F.arrayNode();
            for (Object x : c) {
                a.add(convert(x, depth + 1));
            }
            return a;
        }
        return F.textNode(v.toString());
    }

    private static String name(Keyword k) {
        return k.getPrefix().isEmpty() ? k.getName() : k.getPrefix() + "/" + k.getName();
    }

    private static String mapKey(Object k) {
        return k instanceof Keyword kw ? name(kw) : String.valueOf(k);
    }
}
