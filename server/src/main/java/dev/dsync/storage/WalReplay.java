package dev.dsync.storage;

import dev.dsync.raft.Entry;
import dev.dsync.raft.HardState;
import dev.dsync.raft.Snapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds the stored state from the segments, oldest first, mirroring exactly what the live store
 * did, and decides what damage means:
 * <ul>
 *   <li>a bad frame in the newest segment with no checksummed frame after it is a write torn by a
 *       crash before its fsync returned, so never acknowledged: it is cut off with a warning;</li>
 *   <li>any other bad frame, or entries missing that the snapshot does not cover, is damage to
 *       acknowledged data: {@link CorruptLogException}.</li>
 * </ul>
 * When older segments were compacted away, the first surviving ones may refer to entries that went
 * with them. Those are tolerated as long as the snapshot covers them (the store deletes only
 * segments whose entries are all at or below the snapshot index). Single use.
 */
final class WalReplay {
    private static final System.Logger LOG = System.getLogger(WalReplay.class.getName());

    /** A segment found by recovery; {@code maxEntryIndex} is 0 if it holds no entries. */
    record SegmentSummary(long sequence, Path path, long maxEntryIndex) {
    }

    /**
     * @param tailValidBytes  where appending to the newest segment resumes (after any torn tail)
     * @param missingMarker   a marker to append because a crash came between writing the snapshot
     *                        and logging it, or null
     */
    record Result(HardState hardState, List<Entry> entries, LogIndex index, List<SegmentSummary> segments,
                  long tailValidBytes, WalRecord.SnapshotMarker missingMarker) {
    }

    private final LogIndex held = new LogIndex(0, 0);
    private final List<Entry> entries = new ArrayList<>(); // entries.get(k) is entry held.baseIndex()+1+k
    private HardState hardState = HardState.INITIAL;
    private long liveBase; // the snapshot base the live store had at this point of the WAL
    private boolean olderSegmentsDeleted;
    private long maxMissing; // highest index known to be missing (in deleted segments)
    private Path missingFile;
    private long missingOffset;
    private Path markerFile;
    private long markerOffset;

    Result run(Volume volume, Path walDir, Snapshot snapshot) throws IOException {
        List<SegmentFiles.Segment> segments = SegmentFiles.list(volume, walDir);
        olderSegmentsDeleted = !segments.isEmpty() && segments.get(0).sequence() != SegmentFiles.FIRST_SEQUENCE;
        List<SegmentSummary> summaries = new ArrayList<>();
        long tailValidBytes = 0;
        for (int i = 0; i < segments.size(); i++) {
            SegmentReader.Scan scan = SegmentReader.scan(volume, segments.get(i).path());
            checkDamage(scan, i == segments.size() - 1);
            summaries.add(new SegmentSummary(segments.get(i).sequence(), scan.file(), replay(scan)));
            tailValidBytes = scan.validBytes();
        }
        WalRecord.SnapshotMarker missingMarker = reconcile(snapshot);
        return new Result(hardState, List.copyOf(entries), held, summaries, tailValidBytes, missingMarker);
    }

    private static void checkDamage(SegmentReader.Scan scan, boolean newest) throws CorruptLogException {
        if (scan.damage() == null) {
            return;
        }
        if (!newest) {
            throw new CorruptLogException(scan.file(), scan.validBytes(), scan.damage() + " in a segment that is not the newest");
        }
        if (scan.validFrameAfter()) {
            throw new CorruptLogException(scan.file(), scan.validBytes(), scan.damage() + " followed by valid records");
        }
        LOG.log(System.Logger.Level.WARNING, "discarding torn tail of WAL segment {0} at byte offset {1} ({2}): "
                + "the last write did not complete before a crash", scan.file(), scan.validBytes(), scan.damage());
    }

    /** Applies one segment's records; returns the highest entry index it holds. */
    private long replay(SegmentReader.Scan scan) throws CorruptLogException {
        long maxEntryIndex = 0;
        for (SegmentReader.Located located : scan.records()) {
            switch (located.record()) {
                case WalRecord.HardStateRecord r -> hardState = r.hardState();
                case WalRecord.EntryRecord r -> {
                    maxEntryIndex = Math.max(maxEntryIndex, r.entry().index());
                    applyEntry(r.entry(), scan.file(), located.offset());
                }
                case WalRecord.SnapshotMarker r -> {
                    if (r.index() > liveBase) {
                        liveBase = r.index();
                        markerFile = scan.file();
                        markerOffset = located.offset();
                    }
                    applyMarker(r);
                }
            }
        }
        return maxEntryIndex;
    }

    private void applyEntry(Entry entry, Path file, long offset) throws CorruptLogException {
        if (entry.index() <= liveBase) {
            return; // the live store skipped it too: covered by the snapshot
        }
        if (!held.fits(entry.index())) {
            // The live store held entry index-1; we do not, so it was in a deleted segment.
            if (!olderSegmentsDeleted) {
                throw new CorruptLogException(file, offset, "entry " + entry.index()
                        + " does not follow the log (" + held.baseIndex() + ", " + held.lastIndex() + "]");
            }
            if (entry.index() - 1 > maxMissing) {
                maxMissing = entry.index() - 1;
                missingFile = file;
                missingOffset = offset;
            }
            held.resetTo(entry.index() - 1, 0); // held entries are below the gap: all covered, see reconcile
        }
        held.append(entry.index(), entry.term());
        trimTo(held.baseIndex() + 1, entry.index() - 1);
        entries.add(entry);
    }

    private void applyMarker(WalRecord.SnapshotMarker marker) {
        if (marker.keptSuffix()) {
            held.dropThrough(marker.index(), marker.term());
        } else {
            held.resetTo(marker.index(), marker.term());
        }
        trimTo(held.baseIndex() + 1, held.lastIndex());
    }

    /** Trims {@link #entries} (contiguous) to the indices {@code first..last}. */
    private void trimTo(long first, long last) {
        if (entries.isEmpty()) {
            return;
        }
        long front = Math.min(entries.size(), Math.max(0, first - entries.get(0).index()));
        entries.subList(0, (int) front).clear();
        if (!entries.isEmpty()) {
            long keep = Math.max(0, last - entries.get(0).index() + 1);
            if (keep < entries.size()) {
                entries.subList((int) keep, entries.size()).clear();
            }
        }
    }

    /**
     * Brings the log in line with the snapshot on disk, which is the final base. Completes a
     * snapshot whose marker a crash prevented, and checks nothing the log needs is missing.
     */
    private WalRecord.SnapshotMarker reconcile(Snapshot snapshot) throws CorruptLogException {
        long snapshotIndex = snapshot == null ? 0 : snapshot.index();
        if (liveBase > snapshotIndex) {
            throw new CorruptLogException(markerFile, markerOffset, "WAL records a snapshot at index "
                    + liveBase + " but the newest snapshot on disk is at index " + snapshotIndex);
        }
        WalRecord.SnapshotMarker missing = null;
        if (snapshotIndex > liveBase) {
            missing = new WalRecord.SnapshotMarker(snapshotIndex, snapshot.term(),
                    held.termAt(snapshotIndex) == snapshot.term());
            applyMarker(missing);
        }
        if (maxMissing > snapshotIndex) {
            throw new CorruptLogException(missingFile, missingOffset, "entries up to index " + maxMissing
                    + " are missing and the snapshot only covers up to index " + snapshotIndex);
        }
        if (held.baseIndex() != snapshotIndex) {
            throw new IllegalStateException("replayed base " + held.baseIndex() + " != snapshot " + snapshotIndex);
        }
        return missing;
    }
}
