package dev.dsync.chaos.run;

import dev.dsync.checker.CheckOptions;
import dev.dsync.checker.Checker;
import dev.dsync.checker.Result;
import dev.dsync.checker.Verdict;
import dev.dsync.checker.history.History;
import dev.dsync.checker.history.HistoryReader;
import dev.dsync.checker.report.HtmlReport;
import dev.dsync.checker.report.ResultJson;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** The history checker's verdict on one run, with results.json and report.html written beside it. */
record CheckOutcome(String verdict, String summary) {
    private static final Duration CHECK_LIMIT = Duration.ofSeconds(60);

    static CheckOutcome judge(String model, Path historyFile, Path dir) throws IOException {
        History history;
        try {
            history = HistoryReader.read(historyFile);
        } catch (RuntimeException e) {
            return new CheckOutcome("unusable", "history unreadable: " + e.getMessage());
        }
        // Lock leases may expire while a client is cut off; the rw-lock model allows exactly that.
        CheckOptions options = CheckOptions.defaults().withTimeLimit(CHECK_LIMIT).withLeaseExpiry(true);
        Result result = Checker.check(model, history, options);
        ResultJson.write(result, dir.resolve("results.json"));
        HtmlReport.write(result, history, dir);
        return new CheckOutcome(result.verdict().wireName(),
                result.verdict() == Verdict.VALID ? null : result.summary());
    }
}
