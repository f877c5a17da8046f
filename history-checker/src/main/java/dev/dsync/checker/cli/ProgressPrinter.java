package dev.dsync.checker.cli;

import dev.dsync.checker.Progress;
import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Prints a progress line to stderr every two seconds while a check runs (nothing for checks
 * that finish sooner). One line per report, so it reads well in CI logs too.
 */
final class ProgressPrinter implements AutoCloseable {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "checker-progress");
        t.setDaemon(true);
        return t;
    });

    ProgressPrinter(Progress p, PrintStream err) {
        long start = System.nanoTime();
        timer.scheduleAtFixedRate(() -> err.printf("checking: %d/%d keys done, %,d configurations explored, %.1f s%n",
                p.keysDone(), p.keysTotal(), p.configurations(), (System.nanoTime() - start) / 1e9), 2, 2, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
