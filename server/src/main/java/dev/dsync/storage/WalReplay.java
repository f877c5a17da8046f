package dev.dsync.storage;

import dev.dsync.raft.Entry;
import dev.dsync.raft.HardState;
import dev.dsync.raft.Snapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds the stored state from the segments, oldest first, and decides what damage means:
 * <ul>
 *   <li>a bad frame in the newest segment with no checksummed frame after it is a write that was
 *       torn by a crash before its fsync returned, so it was never acknowledged: it is cut off
 *       (by the caller) with a warning;</li>
 *   <li>any other bad frame, an entry that leaves a gap, or a log that does not reach back to the
 *       snapshot is damage to acknowledged data: {@link CorruptLogException}.</li>
 * </ul>
 * Single use: construct, call {@link #run}, read the result.
 */
final class WalReplay {
    private static final System.Logger LOG = System.getLogger(WalReplay.class.getName());

    /** What recovery found in one segment. {@code maxEntryIndex} is 0 if it holds no entries. */
    record SegmentSummary(long sequence, Path path, long maxEntryIndex) {
    }

    /**
     * @param tailValidBytes   where appending to the newest segment resumes (after any torn tail)
     * @param tailHasRecords   whether the newest segment kept any record (else its header is gone)
     * @param snapshotMarkerMissing the snapshot on disk is newer than every marker in the WAL (crash
     *                         between writing the snapshot and logging it); the caller must log one
     */
    record Result(HardState hardState, List<Entry> entries, LogIndex index, List<SegmentSummary> segments,
                  long tailValidBytes, boolean tailHasRecords, boolean snapshotMarkerMissing) {
    }

    private final LogIndex index = new LogIndex(0, 0);
    // Mirrors index: entries.get(k) is entry index.baseIndex()+1+k.
    private final List<Entry> entries = new ArrayList<>();
    private HardState hardState = HardState.INITIAL;
    // False until the log's starting point is known: when the oldest segments were compacted away,
    // the first surviving entry or snapshot marker fixes it.
    private boolean anchored;
    private long highestMarker;
    private Path highestMarkerFile;
    private long highestMarkerOffset;

    Result run(Path walDir, Snapshot snapshot) throws IOException {
        List<SegmentFiles.Segment> segments = SegmentFiles.list(walDir);
        anchored = segments.isEmpty() || segments.get(0).sequence() == SegmentFiles.FIRST_SEQUENCE;
        List<SegmentSummary> summaries = new ArrayList<>();
        long tailValidBytes = 0;
        boolean tailHasRecords = false;
        for (int i = 0; i < segments.size(); i++) {
            boolean newest = i == segments.size() - 1;
            SegmentReader.Scan scan = SegmentReader.scan(segments.get(i).path());
            checkDamage(scan, newest);
            summaries.add(new SegmentSummary(segments.get(i).sequence(), scan.file(), replay(scan)));
            tailValidBytes = scan.validBytes();
            tailHasRecords = !scan.records().isEmpty();
        }
        applySnapshot(snapshot, segments);
        boolean markerMissing = snapshot != null && highestMarker < snapshot.index();
        return new Result(hardState, List.copyOf(entries), index, summaries, tailValidBytes, tailHasRecords, markerMissing);
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
                    if (r.index() > highestMarker) {
                        highestMarker = r.index();
                        highestMarkerFile = scan.file();
                        highestMarkerOffset = located.offset();
                    }
                    anchored = true;
                    compact(r.index(), r.term());
                }
            }
        }
        return maxEntryIndex;
    }

    private void applyEntry(Entry entry, Path file, long offset) throws CorruptLogException {
        if (!anchored) {
            index.rebase(entry.index() - 1, 0); // base term unknown; only ever compared at a newer index
            anchored = true;
        }
        if (entry.index() <= index.baseIndex()) {
            return; // covered by a snapshot; the live store skips these too
        }
        if (entry.index() > index.lastIndex() + 1) {
            throw new CorruptLogException(file, offset,
                    "entry " + entry.index() + " leaves a gap after last index " + index.lastIndex());
        }
        index.append(entry.index(), entry.term());
        int keep = (int) (entry.index() - index.baseIndex() - 1);
        entries.subList(keep, entries.size()).clear();
        entries.add(entry);
    }

    private void compact(long snapshotIndex, long snapshotTerm) {
        index.compactTo(snapshotIndex, snapshotTerm);
        // Either rule outcome leaves the newest index.count() entries, so trimming the front mirrors it.
        entries.subList(0, entries.size() - index.count()).clear();
    }

    /**
     * Reconciles the log with the snapshot on disk. Re-applying it is idempotent when the WAL already
     * logged it and completes the job when a crash came before the marker was written.
     */
    private void applySnapshot(Snapshot snapshot, List<SegmentFiles.Segment> segments) throws CorruptLogException {
        long snapshotIndex = snapshot == null ? 0 : snapshot.index();
        if (highestMarker > snapshotIndex) {
            throw new CorruptLogException(highestMarkerFile, highestMarkerOffset, "WAL records a snapshot at index "
                    + highestMarker + " but the newest snapshot on disk is at index " + snapshotIndex);
        }
        if (!anchored) {
            index.rebase(snapshotIndex, snapshot == null ? 0 : snapshot.term());
        }
        if (snapshot != null) {
            compact(snapshot.index(), snapshot.term());
        }
        if (index.baseIndex() != snapshotIndex) {
            throw new CorruptLogException(segments.get(0).path(), 0, "log resumes after index " + index.baseIndex()
                    + " but the snapshot only covers up to index " + snapshotIndex + "; entries are missing");
        }
    }
}
