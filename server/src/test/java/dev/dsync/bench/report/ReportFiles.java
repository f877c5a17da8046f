package dev.dsync.bench.report;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.dsync.bench.report.Results.Etcd;
import dev.dsync.bench.report.Results.Failover;
import dev.dsync.bench.report.Results.Machine;
import dev.dsync.bench.report.Results.Report;
import dev.dsync.bench.report.Results.Series;
import dev.dsync.bench.report.Results.Setup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's measurements as JSON under bench-results/report/: machine.json (machine, setup, run
 * time), clients.json, nodes.json, fsync.json, failover.json and etcd.json. The report is rendered
 * from exactly these (also when re-rendered with {@code --render-only}).
 */
final class ReportFiles {
    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ReportFiles() {
    }

    record MachineFile(Machine machine, Setup setup, double runSeconds) {
    }

    static void write(Report report, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> files = new LinkedHashMap<>();
        files.put("machine", new MachineFile(report.machine(), report.setup(), report.runSeconds()));
        files.put("clients", report.clients());
        files.put("nodes", report.nodes());
        files.put("fsync", report.fsync());
        files.put("failover", report.failover());
        files.put("etcd", report.etcd());
        for (Map.Entry<String, Object> f : files.entrySet()) {
            Files.writeString(dir.resolve(f.getKey() + ".json"), JSON.writeValueAsString(f.getValue()) + "\n");
        }
    }

    static Report read(Path dir) throws IOException {
        try {
            MachineFile m = JSON.readValue(dir.resolve("machine.json").toFile(), MachineFile.class);
            TypeReference<List<Series>> series = new TypeReference<>() { };
            return new Report(m.machine(), m.setup(),
                    JSON.readValue(dir.resolve("clients.json").toFile(), series),
                    JSON.readValue(dir.resolve("nodes.json").toFile(), series),
                    JSON.readValue(dir.resolve("fsync.json").toFile(), series),
                    JSON.readValue(dir.resolve("failover.json").toFile(), new TypeReference<List<Failover>>() { }),
                    JSON.readValue(dir.resolve("etcd.json").toFile(), Etcd.class), m.runSeconds());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new IllegalStateException("no complete measurements in " + dir + " (" + e.getMessage()
                    + "): run make bench BENCH=report first", e);
        }
    }
}
