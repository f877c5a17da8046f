package dev.dsync.checker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: exit codes, result.json and report files. */
class MainTest {
    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void exitCodesFollowTheVerdict(@TempDir Path dir) throws Exception {
        Path valid = dir.resolve("valid.jsonl");
        assertEquals(0, run("generate", "--model", "kv", "--ops", "500", "--keys", "5", "--processes", "4",
                "--info", "0.05", "--nemesis", "--out", valid.toString()).code());
        Run ok = run("check", "--model", "kv", "--history", valid.toString(), "--report", dir.resolve("r").toString(), "--quiet");
        assertEquals(0, ok.code(), ok.out() + ok.err());
        assertTrue(Files.exists(dir.resolve("r/report.html")));
        JsonNode json = new ObjectMapper().readTree(dir.resolve("r/result.json").toFile());
        assertEquals("valid", json.get("verdict").asText());
        assertEquals(500, json.get("counts").get("total").asInt());
        assertEquals(5, json.get("keys").size());

        Path stale = dir.resolve("stale.jsonl");
        Files.writeString(stale, """
                {"index":0,"time":0,"process":0,"type":"invoke","f":"write","value":1}
                {"index":1,"time":1,"process":0,"type":"ok","f":"write","value":1}
                {"index":2,"time":2,"process":0,"type":"invoke","f":"write","value":2}
                {"index":3,"time":3,"process":0,"type":"ok","f":"write","value":2}
                {"index":4,"time":4,"process":1,"type":"invoke","f":"read","value":null}
                {"index":5,"time":5,"process":1,"type":"ok","f":"read","value":1}
                """);
        Run bad = run("check", "--model", "register", "--history", stale.toString(), "--json", "-");
        assertEquals(1, bad.code());
        JsonNode r = new ObjectMapper().readTree(bad.out().substring(bad.out().indexOf("{")));
        JsonNode ce = r.get("keys").get(0).get("counterexample");
        assertEquals(1, ce.get("prefixLength").asInt());
        assertEquals("write", ce.get("unplaceable").get("f").asText());
        assertTrue(ce.get("stateAtFailure").asText().startsWith("value 1"), ce.toString());

        Path broken = dir.resolve("broken.jsonl");
        Files.writeString(broken, "{\"index\":0,\"time\":0,\"process\":0,\"type\":\"invoke\",\"f\":\"write\"}\nnot json\n");
        Run unusable = run("check", "--model", "register", "--history", broken.toString());
        assertEquals(3, unusable.code());
        assertTrue(unusable.err().contains("line 2"), unusable.err());
        assertEquals(3, run("check", "--model", "nope", "--history", broken.toString()).code());
        assertEquals(3, run("check", "--model", "kv").code());
        assertEquals(3, run("check", "--model", "kv", "--history", dir.resolve("missing.jsonl").toString()).code());
    }

    @Test
    void leaseModelAndRhoOptions() {
        String example = Path.of("..", "docs", "examples", "rw-lock-lease-overlap.jsonl").toString();
        Run timed = run("check", "--model", "rw-lock", "--history", example, "--quiet");
        assertEquals(1, timed.code(), timed.out() + timed.err());
        assertTrue(timed.out().contains("lease surely alive until") || timed.out().contains("cannot be placed"), timed.out());
        assertEquals(0, run("check", "--model", "rw-lock", "--history", example, "--lease-model", "untimed", "--quiet").code());
        assertEquals(1, run("check", "--model", "rw-lock", "--history", example, "--lease-model", "timed", "--quiet").code());
        // With a drift allowance of 99.99 % the lease surely lasts only 0.3 ms: c1 came after that.
        assertEquals(0, run("check", "--model", "rw-lock", "--history", example, "--rho", "0.9999", "--quiet").code());
        assertEquals(3, run("check", "--model", "rw-lock", "--history", example, "--lease-model", "sometimes").code());
        assertEquals(3, run("check", "--model", "rw-lock", "--history", example, "--rho", "1.5").code());
        assertTrue(run("--help").out().contains("--lease-model timed|untimed"));
    }
}
