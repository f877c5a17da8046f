package dev.dsync.checker.cli;

import dev.dsync.checker.CheckOptions;
import dev.dsync.checker.Checker;
import dev.dsync.checker.KeyResult;
import dev.dsync.checker.LeaseModel;
import dev.dsync.checker.Progress;
import dev.dsync.checker.Result;
import dev.dsync.checker.Verdict;
import dev.dsync.checker.bench.CheckerBench;
import dev.dsync.checker.gen.GenConfig;
import dev.dsync.checker.gen.HistoryGenerator;
import dev.dsync.checker.history.History;
import dev.dsync.checker.history.HistoryFiles;
import dev.dsync.checker.history.HistoryFormatException;
import dev.dsync.checker.history.HistoryReader;
import dev.dsync.checker.model.Models;
import dev.dsync.checker.report.HtmlReport;
import dev.dsync.checker.report.ResultJson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Command line: {@code check} (exit 0 valid, 1 invalid, 2 unknown, 3 unusable input or bad
 * arguments), {@code generate} (write a generated valid history) and {@code bench}.
 */
public final class Main {
    static final String USAGE = """
            usage:
              history-checker check --model MODEL --history FILE [--report DIR] [--json FILE|-]
                                    [--format auto|jsonl|edn] [--time-limit SECONDS] [--threads N]
                                    [--memory-mb N] [--strict-locks] [--lease-model timed|untimed]
                                    [--rho R] [--quiet]
              history-checker generate --model MODEL --out FILE [--ops N] [--keys N] [--processes N]
                                    [--info RATE] [--values N] [--seed N] [--nemesis]
              history-checker bench [RUNS] [WARMUPS]
            models: register, cas-register, kv, rw-lock, fifo-queue, total-queue
              (generate also: rw-lock-timed, a lock history with ttl_ms and renews; total-queue-timed,
              a queue history with receipts, acks, nacks and message keys)
            rw-lock leases: --lease-model timed (default when acquires carry ttl_ms): a hold may end
              without a release only after invoke of its last acquire/renew + ttl_ms x (1 - rho);
              untimed (default otherwise): any lease may expire at any instant. --rho R: clock
              drift allowance (default 0.05). --strict-locks: leases never expire.
            exit codes (check): 0 valid, 1 invalid, 2 unknown, 3 unusable input""";

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command and returns the exit code (used by tests without exiting the JVM). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
            out.println(USAGE);
            return args.length == 0 ? Verdict.UNUSABLE_INPUT_EXIT : 0;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            return switch (args[0]) {
                case "check" -> check(new CliArgs(rest, Set.of("model", "history", "report", "json", "format",
                        "time-limit", "threads", "memory-mb", "lease-model", "rho"), Set.of("strict-locks", "quiet")), out, err);
                case "generate" -> generate(new CliArgs(rest, Set.of("model", "out", "ops", "keys", "processes",
                        "info", "values", "seed"), Set.of("nemesis")), out);
                case "bench" -> {
                    CheckerBench.main(rest.toArray(String[]::new));
                    yield 0;
                }
                default -> throw new CliArgs.UsageException("unknown command '" + args[0] + "'");
            };
        } catch (CliArgs.UsageException e) {
            err.println("error: " + e.getMessage());
            err.println(USAGE);
            return Verdict.UNUSABLE_INPUT_EXIT;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return Verdict.UNUSABLE_INPUT_EXIT;
        } catch (HistoryFormatException e) {
            err.println("unusable input: " + e.getMessage());
            return Verdict.UNUSABLE_INPUT_EXIT;
        } catch (IOException e) {
            err.println("unusable input: " + e);
            return Verdict.UNUSABLE_INPUT_EXIT;
        }
    }

    private static int check(CliArgs a, PrintStream out, PrintStream err) throws IOException {
        String model = a.require("model");
        if (!Models.NAMES.contains(model)) {
            throw new CliArgs.UsageException("unknown model '" + model + "'; expected one of " + Models.NAMES);
        }
        Path file = Path.of(a.require("history"));
        HistoryReader.Format format = switch (a.get("format") == null ? "auto" : a.get("format")) {
            case "auto" -> HistoryReader.Format.AUTO;
            case "jsonl" -> HistoryReader.Format.JSONL;
            case "edn" -> HistoryReader.Format.EDN;
            default -> throw new CliArgs.UsageException("--format must be auto, jsonl or edn");
        };
        History history = HistoryReader.read(file, format);
        Progress progress = new Progress();
        CheckOptions o = CheckOptions.defaults().withProgress(progress).withLeaseExpiry(!a.flag("strict-locks"))
                .withTimeLimit(Duration.ofMillis((long) (a.doubleValue("time-limit", 60) * 1000)))
                .withThreads(a.intValue("threads", Runtime.getRuntime().availableProcessors()));
        if (a.get("lease-model") != null) {
            String m = a.get("lease-model");
            if (!m.equals("timed") && !m.equals("untimed")) {
                throw new CliArgs.UsageException("--lease-model must be timed or untimed, got '" + m + "'");
            }
            o = o.withLeaseModel(LeaseModel.parse(m));
        }
        double rho = a.doubleValue("rho", CheckOptions.DEFAULT_RHO);
        if (!(rho >= 0 && rho < 1)) {
            throw new CliArgs.UsageException("--rho must be at least 0 and below 1, got " + rho);
        }
        o = o.withRho(rho);
        if (a.get("memory-mb") != null) {
            o = o.withMemoryBudget((long) a.intValue("memory-mb", 0) << 20);
        }
        ProgressPrinter printer = a.flag("quiet") ? null : new ProgressPrinter(progress, err);
        Result r;
        try {
            r = Checker.check(model, history, o);
        } finally {
            if (printer != null) {
                printer.close();
            }
        }
        printSummary(r, out);
        if (a.get("report") != null) {
            Path dir = Path.of(a.get("report"));
            ResultJson.write(r, dir.resolve("result.json"));
            Path html = HtmlReport.write(r, history, dir);
            out.println("report: " + html.toAbsolutePath() + " (and result.json)");
        }
        if ("-".equals(a.get("json"))) {
            out.println(ResultJson.toJson(r));
        } else if (a.get("json") != null) {
            ResultJson.write(r, Path.of(a.get("json")));
        }
        return r.verdict().exitCode();
    }

    private static void printSummary(Result r, PrintStream out) {
        out.println(r.summary());
        out.printf(Locale.ROOT, "%d operations (%s ok, %s fail, %s info), %d key(s), checked in %d ms%n",
                r.counts().get("total"), r.counts().get("ok"), r.counts().get("fail"), r.counts().get("info"),
                r.keys().size(), r.millis());
        int shown = 0;
        for (KeyResult k : r.problemKeys()) {
            if (shown++ == 10) {
                out.println("  ... " + (r.problemKeys().size() - 10) + " more");
                break;
            }
            out.println("  key " + (k.key() == null ? "(no key)" : k.key()) + ": " + k.verdict().wireName() + " - " + k.reason());
        }
    }

    private static int generate(CliArgs a, PrintStream out) throws IOException {
        String model = a.require("model");
        GenConfig c = new GenConfig(a.intValue("ops", 1000), a.intValue("keys", 1), a.intValue("processes", 5),
                a.doubleValue("info", 0.05), a.intValue("values", 0), a.flag("nemesis"), a.intValue("seed", 1));
        History h = HistoryGenerator.forModel(model, c);
        HistoryFiles.writeJsonl(h, Path.of(a.require("out")));
        out.println("wrote " + h.events().size() + " events (" + h.operations().size() + " operations) to " + a.get("out"));
        return 0;
    }
}
