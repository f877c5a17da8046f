package dev.dsync.it;

import dev.dsync.it.HostileEndpoints.Field;
import java.util.List;
import java.util.Random;

/**
 * JSON text for field values: valid ones (hostile in content but accepted, e.g. lone surrogates,
 * NUL, right-to-left marks), and invalid ones per field kind that every endpoint must refuse.
 * Everything here is a JSON fragment, already encoded.
 */
final class HostileValues {
    private final Random random;

    HostileValues(Random random) {
        this.random = random;
    }

    private static final List<String> ODD_STRINGS = List.of(
            "\\u0000", "a\\u0000b", "\\ud800", "\\udfff", "x\\udc00y", "\\ud83d\\ude00", "\\u202eevil", "e\\u0301",
            "'; DROP TABLE locks; --", "../../etc/passwd", "%00", "%zz", "\\\\", "\\\"", "\\n\\r\\t", "  ", "null",
            "NaN", "-Infinity", "\\uffff", "\\ufeffbom", "\u00e9t\u00e9", "\u4e2d\u6587", "\u0645\u0631\u062d\u0628\u0627");

    String validValue(Field field) {
        return switch (field.kind()) {
            case STRING -> validString();
            case LONG -> Long.toString(field.min() + (long) (random.nextDouble() * (field.max() - field.min())));
            case ENUM -> random.nextBoolean() ? "\"S\"" : "\"X\"";
            case ANY_VALUE -> anyJson(3);
            case NON_NULL_VALUE -> {
                String value = anyJson(3);
                yield value.equals("null") ? "{\"was\":null}" : value;
            }
            case MSG_ID -> random.nextBoolean() ? Integer.toString(1 + random.nextInt(1_000_000)) : "\"" + (1 + random.nextInt(1000)) + "\"";
            case QUEUE_NAME -> pick("\"default\"", "\"q-1\"", "\"a.b_c-D9\"", "\"" + "q".repeat(128) + "\"");
        };
    }

    String validString() {
        return switch (random.nextInt(5)) {
            case 0 -> "\"k" + random.nextInt(50) + "\"";
            case 1 -> Integer.toString(random.nextInt(1000)); // numbers are accepted as ids
            case 2 -> "\"" + "\u00e9".repeat(1 + random.nextInt(1024)) + "\"";
            default -> "\"" + pick(ODD_STRINGS.toArray(String[]::new)) + random.nextInt(10) + "\"";
        };
    }

    /** A value of {@code field} that the endpoint must refuse, naming the field. */
    String invalidValue(Field field) {
        return switch (field.kind()) {
            case STRING -> pick("{}", "[]", "true", "false", "1.5", "-0.25", "1e400", "\"\"", "{\"$ne\":null}",
                    "[" + validString() + "]", "\"" + "k".repeat(1025 + random.nextInt(200_000)) + "\"",
                    nested(10 + random.nextInt(800), "\"x\""));
            case LONG -> invalidLong(field);
            case ENUM -> pick("\"Z\"", "\"x\"", "\"s\"", "\"\"", "\" X\"", "\"X\\u0000\"", "\"XX\"", "0", "{}", "[\"X\"]",
                    "\"\\ud800\"", "true");
            case MSG_ID -> pick("0", "-1", "\"0\"", "\"-5\"", "\"abc\"", "\"1.5\"", "1.5", "\"\"", "1e19", "99999999999999999999",
                    "\"1234567890123456789\"", "{}", "[]", "[1]", "true", "\" 5\"", "\"\u0661\u0662\"", "\"5\\u0000\"",
                    "-9223372036854775808", "\"NaN\"");
            case QUEUE_NAME -> pick("\"\"", "\"a b\"", "\"../etc\"", "\"\u00e9\"", "\"q\\u0000\"", "\"" + "q".repeat(129) + "\"",
                    "\"\\ud800\"", "{}", "[]", "true", "1.5", "\"q/1\"", "\"q%20\"");
            case NON_NULL_VALUE -> "null";
            case ANY_VALUE -> throw new IllegalArgumentException("every JSON value is a valid " + field.name());
        };
    }

    private String invalidLong(Field field) {
        List<String> candidates = new java.util.ArrayList<>(List.of("\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"nan\"", "\"1\"", "\"\"",
                "1.5", "-0.5", "1e400", "-1e400", "1e19", "1.0", "99999999999999999999999", "-99999999999999999999999",
                "9223372036854775808", "true", "{}", "[]", "[1]", "\"0x10\"", Long.toString(field.max() + 1)));
        if (field.min() > Long.MIN_VALUE) {
            candidates.add(Long.toString(field.min() - 1));
            candidates.add(Long.toString(Long.MIN_VALUE));
        }
        if (field.min() > -1) {
            candidates.add("-" + (1 + random.nextInt(1_000_000)));
        }
        return candidates.get(random.nextInt(candidates.size()));
    }

    /** Arbitrary valid JSON, kept shallow. */
    String anyJson(int depth) {
        int pick = depth <= 0 ? random.nextInt(5) : random.nextInt(7);
        return switch (pick) {
            case 0 -> Long.toString(random.nextLong());
            case 1 -> pick("1e308", "-0", "0.1", "-1.5e-300", "123456789012345678901234567890");
            case 2 -> validString();
            case 3 -> pick("true", "false", "null");
            case 4 -> "\"" + pick(ODD_STRINGS.toArray(String[]::new)) + "\"";
            case 5 -> "[" + anyJson(depth - 1) + "," + anyJson(depth - 1) + "]";
            default -> "{\"a\":" + anyJson(depth - 1) + ",\"\\u0000\":" + anyJson(depth - 1) + "}";
        };
    }

    static String nested(int depth, String inner) {
        return "[".repeat(depth) + inner + "]".repeat(depth);
    }

    String pick(String... options) {
        return options[random.nextInt(options.length)];
    }
}
