package dev.dsync.mutants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The mutant catalog of {@code make mutants} (scripts/mutants/*.patch) stays usable as the server
 * changes: every patch still applies to the tree ({@code git apply --check}, nothing is written)
 * and carries the headers the script reads. A patch that no longer applies is a mutant the bench
 * silently stops testing: two storage mutants did, for several commits, until this test.
 */
class MutantCatalogTest {
    private static final List<String> HEADERS = List.of("Mutant", "Area", "Workload", "Observable", "Why");

    @Test
    void everyMutantAppliesAndSaysWhatItBreaks() throws Exception {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        Path catalog = repo.resolve("scripts/mutants");
        assumeTrue(Files.isDirectory(catalog) && Files.isDirectory(repo.resolve(".git")), "not run from a git checkout of the repository");
        List<Path> patches;
        try (Stream<Path> files = Files.list(catalog)) {
            patches = files.filter(p -> p.toString().endsWith(".patch")).sorted().toList();
        }
        assertTrue(patches.size() >= 20, "the catalog has " + patches.size() + " mutants, fewer than 20");
        List<String> broken = new ArrayList<>();
        for (Path patch : patches) {
            String text = Files.readString(patch, StandardCharsets.UTF_8);
            String id = patch.getFileName().toString().replace(".patch", "");
            for (String header : HEADERS) {
                if (!text.contains("\n" + header + ": ") && !text.startsWith(header + ": ")) {
                    broken.add(id + ": no '" + header + ":' header");
                }
            }
            String applied = gitApplyCheck(repo, patch);
            if (applied != null) {
                broken.add(id + ": does not apply: " + applied);
            }
        }
        assertEquals(List.of(), broken, "mutants the bench can no longer run");
    }

    /** Null when the patch applies cleanly, else git's complaint. */
    private static String gitApplyCheck(Path repo, Path patch) throws IOException, InterruptedException {
        Process git;
        try {
            git = new ProcessBuilder("git", "apply", "--check", patch.toString()).directory(repo.toFile())
                    .redirectErrorStream(true).start();
        } catch (IOException noGit) {
            assumeTrue(false, "git is not installed");
            return null;
        }
        String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return git.waitFor() == 0 ? null : out;
    }
}
