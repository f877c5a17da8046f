package dev.dsync.checker.history;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import us.bpsm.edn.EdnException;
import us.bpsm.edn.Keyword;
import us.bpsm.edn.TaggedValue;
import us.bpsm.edn.parser.Parseable;
import us.bpsm.edn.parser.Parser;
import us.bpsm.edn.parser.Parsers;

/**
 * Reads Jepsen {@code history.edn}: either one vector of operation maps or one map per line.
 * Parsing is done by edn-java; this class only walks the top level so each map keeps its line.
 * Jepsen's independent tuples ({@code #jepsen.independent.Tuple} or similar tags) in
 * {@code :value} are split into key and value when the map has no {@code :key}.
 */
final class EdnReader {
    private static final Keyword KEY = Keyword.newKeyword("key");
    private static final Keyword VALUE = Keyword.newKeyword("value");

    private EdnReader() {
    }

    static List<Event> read(String text) {
        CountingParseable in = new CountingParseable(text);
        Parser parser = Parsers.newParser(Parsers.defaultConfiguration());
        List<Event> events = new ArrayList<>();
        in.skipInsignificant();
        boolean vector = in.peek() == '[';
        if (vector) {
            in.read();
        }
        while (true) {
            in.skipInsignificant();
            int c = in.peek();
            if (c == -1) {
                if (vector) {
                    throw new HistoryFormatException(in.line(), "unterminated vector: missing ']'");
                }
                return events;
            }
            if (vector && c == ']') {
                in.read();
                in.skipInsignificant();
                if (in.peek() != -1) {
                    throw new HistoryFormatException(in.line(), "unexpected content after the closing ']'");
                }
                return events;
            }
            int line = in.line();
            Object value = parse(parser, in, line);
            JsonNode json;
            try {
                json = EdnToJson.convert(splitTuple(value));
            } catch (IllegalArgumentException e) {
                throw new HistoryFormatException(line, e.getMessage());
            }
            events.add(EventDecoder.decode(json, line, events.size()));
        }
    }

    private static Object parse(Parser parser, Parseable in, int line) {
        try {
            Object v = parser.nextValue(in);
            if (v == Parser.END_OF_INPUT) {
                throw new HistoryFormatException(line, "unexpected end of input");
            }
            return v;
        } catch (EdnException e) {
            throw new HistoryFormatException(((CountingParseable) in).line(), "EDN syntax error: " + e.getMessage());
        }
    }

    /** Rewrites {@code {:value #...Tuple[k v]}} (no :key) into {@code {:key k :value v}}. */
    private static Object splitTuple(Object v) {
        if (!(v instanceof TaggedValue tv) || !(tv.getValue() instanceof Map<?, ?>)) {
            return v instanceof Map<?, ?> m ? splitTupleIn(m) : v;
        }
        return splitTupleIn((Map<?, ?>) tv.getValue());
    }

    private static Object splitTupleIn(Map<?, ?> m) {
        if (m.containsKey(KEY) || !(m.get(VALUE) instanceof TaggedValue t)
                || !t.getTag().toString().toLowerCase(java.util.Locale.ROOT).contains("independent")) {
            return m;
        }
        Object k;
        Object val;
        if (t.getValue() instanceof List<?> l && l.size() == 2) {
            k = l.get(0);
            val = l.get(1);
        } else if (t.getValue() instanceof Map<?, ?> tm && tm.containsKey(KEY)) {
            k = tm.get(KEY);
            val = tm.get(VALUE);
        } else {
            return m;
        }
        java.util.LinkedHashMap<Object, Object> copy = new java.util.LinkedHashMap<>(m);
        copy.put(KEY, k instanceof Keyword kw ? kw.getName() : k);
        copy.put(VALUE, val);
        return copy;
    }

}
