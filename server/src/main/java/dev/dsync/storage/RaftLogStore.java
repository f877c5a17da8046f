package dev.dsync.storage;

import dev.dsync.raft.Entry;
import dev.dsync.raft.HardState;
import dev.dsync.raft.PersistentState;
import dev.dsync.raft.Snapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The durable Raft state of one node: a write-ahead log of entries and hard states in segment files
 * under {@code <dataDir>/wal/}, and the newest snapshot under {@code <dataDir>/snapshot/}.
 *
 * <p>Durability contract: when {@link #save} or {@link #saveSnapshot} returns, what it was given
 * survives a crash or power loss (with {@link StoreOptions#fsync} off, which only the fsync benchmark
 * uses, a {@link #save} survives a crash of the process only). After any {@link IOException} from them the on-disk state is
 * uncertain, so every later call fails too; the node must restart and recover.
 *
 * <p>Segments: each starts with a header, the hard state and the snapshot base current at its
 * creation, so deleting older segments loses neither. Invariant behind deletion: segments are
 * deleted oldest first, after the snapshot's marker is durable, and only while every entry in them
 * is at or below the snapshot index; so whatever the deleted segments held, the snapshot covers it
 * (recovery checks this, see {@link WalReplay}).
 *
 * <p>Not thread-safe: the node's raft loop is the only caller.
 */
public final class RaftLogStore implements AutoCloseable {
    private final Volume volume;
    private final Path walDir;
    private final StoreOptions options;
    private final SnapshotStore snapshots;
    private final PersistentState recovered;
    private final LogIndex index;
    private final List<WalReplay.SegmentSummary> closedSegments; // oldest first, all before current
    private final RecordBatch batch = new RecordBatch();
    private SegmentWriter current;
    private long currentMaxEntryIndex;
    private HardState hardState;
    private boolean failed;
    private boolean closed;

    private RaftLogStore(Volume volume, Path walDir, StoreOptions options, SnapshotStore snapshots, Snapshot snapshot,
                         WalReplay.Result replay) {
        this.volume = volume;
        this.walDir = walDir;
        this.options = options;
        this.snapshots = snapshots;
        this.recovered = new PersistentState(replay.hardState(), snapshot, replay.entries());
        this.index = replay.index();
        this.closedSegments = new ArrayList<>(replay.segments());
        this.hardState = replay.hardState();
    }

    /** Opens the store on the machine's file system, creating {@code dataDir} if missing, and recovers its state (see {@link #recovered}). */
    public static RaftLogStore open(Path dataDir, StoreOptions options) throws IOException {
        return open(FileVolume.INSTANCE, dataDir, options);
    }

    /** Opens the store on {@code volume}, creating {@code dataDir} if missing, and recovers its state (see {@link #recovered}). */
    public static RaftLogStore open(Volume volume, Path dataDir, StoreOptions options) throws IOException {
        if (!options.fsync()) {
            System.getLogger(RaftLogStore.class.getName()).log(System.Logger.Level.WARNING, "fsync is off for the log in "
                    + dataDir + ": an acknowledged write can be lost if the machine crashes (FSYNC=false is for measuring only)");
        }
        Path walDir = dataDir.resolve("wal");
        volume.createDirectories(walDir);
        SnapshotStore snapshots = new SnapshotStore(volume, dataDir.resolve("snapshot"));
        volume.syncDirectory(dataDir);
        Snapshot snapshot = snapshots.load();
        WalReplay.Result replay = new WalReplay().run(volume, walDir, snapshot);
        RaftLogStore store = new RaftLogStore(volume, walDir, options, snapshots, snapshot, replay);
        try {
            store.openTail(replay);
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /**
     * What was on disk at open: hard state, newest snapshot (or null), and the entries after the
     * snapshot index, contiguous from {@code snapshot.index() + 1} (or 1). Fixed at open.
     */
    public PersistentState recovered() {
        return recovered;
    }

    /** The last hard state made durable. */
    public HardState hardState() {
        return hardState;
    }

    /** The highest entry index made durable (the snapshot's when no entry follows it). */
    public long lastIndex() {
        return index.lastIndex();
    }

    /** The index of the durable snapshot the log starts after (0 for none). */
    public long snapshotIndex() {
        return index.baseIndex();
    }

    /** The term of the durable entry at {@code entryIndex}, the snapshot's at its index, or -1 if the log holds neither. */
    public long termAt(long entryIndex) {
        return index.termAt(entryIndex);
    }

    /**
     * Whether the store has made durable the entry at {@code entryIndex} with {@code term}, or a
     * snapshot that covers that index. (What a commit must count on: the simulation checks with it
     * that every commit index is on a majority's disks.)
     */
    public boolean holds(long entryIndex, long term) {
        return entryIndex <= index.baseIndex() || index.termAt(entryIndex) == term;
    }

    /**
     * Appends {@code entries} and {@code hardState} (either may be absent) with one fsync. An entry
     * at or below the last stored index replaces it and every entry after it. Entries at or below
     * the snapshot index are already covered by it and skipped.
     *
     * <p>A crash during the write may keep a prefix of the batch (the save never returned, so
     * nothing was acknowledged). Entries are written before the hard state so that a recovered hard
     * state never has a commit index pointing at an entry that was lost with it.
     *
     * @throws IllegalArgumentException if {@code entries} are not contiguous or would leave a gap
     */
    public void save(HardState hardState, List<Entry> entries) throws IOException {
        checkUsable();
        List<Entry> fresh = entriesAfterSnapshot(entries);
        if (hardState == null && fresh.isEmpty()) {
            return;
        }
        boolean rotate = startBatch();
        for (Entry entry : fresh) {
            batch.add(new WalRecord.EntryRecord(entry));
        }
        if (hardState != null) {
            batch.add(new WalRecord.HardStateRecord(hardState));
        }
        commit(rotate);
        for (Entry entry : fresh) {
            index.append(entry.index(), entry.term());
            currentMaxEntryIndex = Math.max(currentMaxEntryIndex, entry.index());
        }
        if (hardState != null) {
            this.hardState = hardState;
        }
    }

    /**
     * Makes {@code snapshot} the durable base of the log, then deletes segments it made redundant.
     * If the log holds entry {@code snapshot.index()} with {@code snapshot.term()}, later entries stay;
     * otherwise the whole log is discarded (a leader's snapshot replacing a divergent log).
     * A snapshot not newer than the current one is ignored.
     */
    public void saveSnapshot(Snapshot snapshot) throws IOException {
        checkUsable();
        if (snapshot.index() <= index.baseIndex()) {
            return;
        }
        failed = true; // until proven otherwise: a half-done snapshot leaves disk state unknown
        if (!snapshots.write(snapshot)) {
            throw new IllegalStateException("snapshot at index " + snapshot.index() + " is older than the snapshot file on disk");
        }
        failed = false;
        recordSnapshot(snapshot);
    }

    /**
     * The first half of {@link #saveSnapshot}, the only part that may run on another thread beside
     * the raft loop: makes the snapshot's file durable (it takes {@code snapshot.data()} as its own).
     * Until {@link #recordSnapshot} the WAL does not know it; after a crash in between, recovery
     * completes it (a snapshot file newer than the WAL's marker, see {@link WalReplay}).
     *
     * @return false, writing nothing, if a newer snapshot's file is already there
     */
    public boolean writeSnapshotFile(Snapshot snapshot) throws IOException {
        return snapshots.write(snapshot);
    }

    /**
     * The second half of {@link #saveSnapshot}, for a snapshot whose file {@link #writeSnapshotFile}
     * made durable: records it in the WAL, then deletes the segments it made redundant. Ignored if
     * not newer than the current base.
     */
    public void recordSnapshot(Snapshot snapshot) throws IOException {
        checkUsable();
        if (snapshot.index() <= index.baseIndex()) {
            return;
        }
        // Decided once, here, and logged: replay must not re-derive it from entries it may not have.
        WalRecord.SnapshotMarker marker = new WalRecord.SnapshotMarker(snapshot.index(), snapshot.term(),
                index.termAt(snapshot.index()) == snapshot.term());
        failed = true; // until proven otherwise
        boolean rotate = startBatch();
        batch.add(marker);
        commit(rotate);
        apply(marker);
        deleteCompactedSegments(snapshot.index());
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (current != null) {
            current.close();
        }
    }

    private void openTail(WalReplay.Result replay) throws IOException {
        if (closedSegments.isEmpty()) {
            current = SegmentWriter.create(volume, SegmentFiles.FIRST_SEQUENCE, SegmentFiles.pathFor(walDir, SegmentFiles.FIRST_SEQUENCE));
            volume.syncDirectory(walDir);
        } else {
            WalReplay.SegmentSummary tail = closedSegments.remove(closedSegments.size() - 1);
            current = SegmentWriter.reopen(volume, tail.sequence(), tail.path(), replay.tailValidBytes());
            currentMaxEntryIndex = tail.maxEntryIndex();
        }
        // A tail without records lost its header to a torn write: rewrite it. A crash between
        // writing a snapshot and logging it: log the marker replay decided on (and already applied).
        // The marker goes first: a header's own marker always says "kept", which is only true after it.
        batch.clear();
        if (replay.missingMarker() != null) {
            batch.add(replay.missingMarker());
        }
        if (current.size() == 0) {
            addHeader();
        }
        if (!batch.isEmpty()) {
            commit(false);
        }
    }

    private List<Entry> entriesAfterSnapshot(List<Entry> entries) {
        List<Entry> fresh = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            if (i > 0 && entry.index() != entries.get(i - 1).index() + 1) {
                throw new IllegalArgumentException("entries not contiguous at index " + entry.index());
            }
            if (entry.index() > index.baseIndex()) {
                fresh.add(entry);
            }
        }
        if (!fresh.isEmpty() && fresh.get(0).index() > index.lastIndex() + 1) {
            throw new IllegalArgumentException("entry " + fresh.get(0).index()
                    + " would leave a gap after last stored index " + index.lastIndex());
        }
        return fresh;
    }

    /** Clears the batch; if the segment is full, starts it with the header of the next one. */
    private boolean startBatch() {
        batch.clear();
        boolean rotate = current.size() >= options.segmentBytes();
        if (rotate) {
            addHeader();
        }
        return rotate;
    }

    private void addHeader() {
        batch.add(new WalRecord.HardStateRecord(hardState));
        if (index.baseIndex() > 0) {
            batch.add(new WalRecord.SnapshotMarker(index.baseIndex(), index.baseTerm(), true));
        }
    }

    /** Writes the batch (to a new segment if {@code rotate}) and fsyncs once (unless fsync is switched off). */
    private void commit(boolean rotate) throws IOException {
        failed = true; // cleared only if every step succeeds
        if (rotate) {
            long next = current.sequence() + 1;
            SegmentWriter fresh = SegmentWriter.create(volume, next, SegmentFiles.pathFor(walDir, next));
            closedSegments.add(new WalReplay.SegmentSummary(current.sequence(), current.path(), currentMaxEntryIndex));
            current.close(); // its data was fsynced by the save that wrote it
            current = fresh;
            currentMaxEntryIndex = 0;
        }
        current.append(batch.bytes());
        if (options.fsync()) {
            options.fsyncSecondsObserver().accept(current.force());
            if (rotate) {
                volume.syncDirectory(walDir);
            }
        }
        failed = false;
    }

    private void apply(WalRecord.SnapshotMarker marker) {
        if (marker.keptSuffix()) {
            index.dropThrough(marker.index(), marker.term());
        } else {
            index.resetTo(marker.index(), marker.term());
        }
    }

    /** Deletes closed segments, oldest first, while all their entries are covered by the snapshot. */
    private void deleteCompactedSegments(long snapshotIndex) throws IOException {
        boolean deleted = false;
        while (!closedSegments.isEmpty() && closedSegments.get(0).maxEntryIndex() <= snapshotIndex) {
            // Delete before forgetting, so a failure leaves it tracked and deletion stays a prefix.
            volume.deleteIfExists(closedSegments.get(0).path());
            closedSegments.remove(0);
            deleted = true;
        }
        if (deleted) {
            volume.syncDirectory(walDir);
        }
    }

    private void checkUsable() throws IOException {
        if (closed) {
            throw new IllegalStateException("store is closed");
        }
        if (failed) {
            throw new IOException("an earlier write to " + walDir + " failed; restart the node to recover");
        }
    }
}
