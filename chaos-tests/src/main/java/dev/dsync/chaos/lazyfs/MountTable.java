package dev.dsync.chaos.lazyfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/** Reads the kernel's mount table (/proc/self/mountinfo). */
final class MountTable {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private MountTable() {
    }

    static boolean isMounted(Path mountPoint) {
        return lines().stream().anyMatch(l -> mountPoint.equals(mountPointOf(l)));
    }

    /** Mount points whose source (the fsname option) is {@code source}. */
    static List<Path> mountsOf(String source) {
        List<Path> out = new ArrayList<>();
        for (String line : lines()) {
            String[] after = line.substring(line.indexOf(" - ") + 3).split(" ");
            if (after.length > 1 && after[1].equals(source)) {
                out.add(mountPointOf(line));
            }
        }
        return out;
    }

    /** A FUSE mount whose daemon died answers every access with ENOTCONN. */
    static boolean isDead(Path mountPoint) {
        try {
            Files.readAttributes(mountPoint, BasicFileAttributes.class);
            return false;
        } catch (IOException e) {
            return String.valueOf(e.getMessage()).contains("not connected");
        }
    }

    private static Path mountPointOf(String line) {
        // Fields: id parent major:minor root mount-point ...; octal escapes for space, tab, newline, backslash.
        String raw = line.split(" ")[4];
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            if (raw.charAt(i) == '\\' && i + 3 < raw.length()) {
                sb.append((char) Integer.parseInt(raw.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(raw.charAt(i));
            }
        }
        return Path.of(sb.toString());
    }

    private static List<String> lines() {
        try {
            return Files.readAllLines(MOUNTINFO);
        } catch (IOException e) {
            return List.of();
        }
    }
}
