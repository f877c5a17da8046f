package dev.dsync.checker.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.checker.Result;
import dev.dsync.checker.history.History;
import dev.dsync.checker.history.NemesisOp;
import dev.dsync.checker.history.Operation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes {@code report.html}: one self-contained file (inline CSS, JS and SVG/canvas, no
 * network) that renders the verdict, per-key results, a timeline per key, the counterexample,
 * latency and throughput. The data is embedded as JSON; operations are encoded as compact
 * arrays so that 100,000-operation histories stay a few MB.
 */
public final class HtmlReport {
    public static final String FILE_NAME = "report.html";
    /** Longest value text kept per operation in the page; longer values are cut with an ellipsis. */
    static final int MAX_VALUE_TEXT = 200;

    private HtmlReport() {
    }

    /** Writes {@code dir/report.html} and returns its path. */
    public static Path write(Result result, History history, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path out = dir.resolve(FILE_NAME);
        Files.writeString(out, render(result, history), StandardCharsets.UTF_8);
        return out;
    }

    public static String render(Result result, History history) {
        String template = resource("report.html");
        String page = template
                .replace("/*REPORT_CSS*/", resource("report.css"))
                .replace("__TITLE__", escapeHtml(result.model() + " " + result.verdict().wireName()));
        // The script goes in last so placeholders inside it can never be substituted.
        int data = page.indexOf("__REPORT_DATA__");
        page = page.substring(0, data) + scriptSafe(data(result, history)) + page.substring(data + "__REPORT_DATA__".length());
        int js = page.indexOf("/*REPORT_JS*/");
        return page.substring(0, js) + resource("report.js") + page.substring(js + "/*REPORT_JS*/".length());
    }

    /** {@code {result, fs, keys, ops: [[id, process, f, key, invoke, complete, outcome, value, result]], nemesis, end}}. */
    static String data(Result result, History history) {
        ObjectNode root = ResultJson.MAPPER.createObjectNode();
        root.set("result", ResultJson.MAPPER.valueToTree(result));
        Map<String, Integer> fs = new HashMap<>();
        Map<String, Integer> keys = new HashMap<>();
        ArrayNode fArr = root.putArray("fs");
        ArrayNode kArr = root.putArray("keys");
        ArrayNode ops = root.putArray("ops");
        for (Operation op : history.operations()) {
            int f = fs.computeIfAbsent(op.f(), x -> {
                fArr.add(x);
                return fs.size();
            });
            int k = keys.computeIfAbsent(String.valueOf(op.key()), x -> {
                kArr.add(op.key() == null ? null : x);
                return keys.size();
            });
            ArrayNode a = ops.addArray();
            a.add(op.id()).add(op.process()).add(f).add(k).add(op.invokeTime()).add(op.completeTime())
                    .add(op.outcome().ordinal()).add(text(op.invokeValue())).add(text(op.resultValue()));
        }
        ArrayNode nem = root.putArray("nemesis");
        for (NemesisOp n : history.nemesis()) {
            nem.addArray().add(n.f()).add(n.startTime()).add(n.endTime()).add(text(n.value()));
        }
        root.put("end", history.endTime());
        try {
            return ResultJson.MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(JsonNode v) {
        if (v == null) {
            return null;
        }
        String s = v.isTextual() ? v.textValue() : v.toString();
        return s.length() > MAX_VALUE_TEXT ? s.substring(0, MAX_VALUE_TEXT) + "…" : s;
    }

    /** JSON inside a script element must not contain a closing tag or comment opener: escape every '<'. */
    private static String scriptSafe(String json) {
        return json.replace("<", "\\u003c");
    }

    private static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing report resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read report resource " + name, e);
        }
    }
}
