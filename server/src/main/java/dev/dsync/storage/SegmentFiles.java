package dev.dsync.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of segment files in the {@code wal} directory: a zero-padded sequence number, so that name
 * order is write order. Sequence numbers start at 1 and grow by one per segment; deleting compacted
 * segments only ever removes the lowest ones, so a gap means a file went missing.
 */
final class SegmentFiles {
    static final long FIRST_SEQUENCE = 1;
    private static final Pattern NAME = Pattern.compile("(\\d{20})\\.wal");

    /** One segment file on disk. */
    record Segment(long sequence, Path path) {
    }

    private SegmentFiles() {
    }

    static Path pathFor(Path walDir, long sequence) {
        return walDir.resolve(String.format("%020d.wal", sequence));
    }

    /** Segments in write order; files with other names are left alone. */
    static List<Segment> list(Volume volume, Path walDir) throws IOException {
        List<Segment> segments = new ArrayList<>();
        for (Path file : volume.listFiles(walDir)) {
            Matcher m = NAME.matcher(file.getFileName().toString());
            if (m.matches()) {
                segments.add(new Segment(Long.parseLong(m.group(1)), file));
            }
        }
        segments.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
        for (int i = 1; i < segments.size(); i++) {
            if (segments.get(i).sequence() != segments.get(i - 1).sequence() + 1) {
                throw new CorruptLogException(segments.get(i).path(), 0,
                        "segment sequence gap: previous segment is " + segments.get(i - 1).path().getFileName());
            }
        }
        return segments;
    }
}
