package dev.dsync.storage;

import dev.dsync.raft.Entry;
import dev.dsync.raft.HardState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * On-disk framing of one WAL record:
 * <pre>
 *   int  payloadLength   big-endian, >= 0
 *   int  crc             CRC32C over payloadLength's 4 bytes, type and payload
 *   byte type            {@link WalRecord#type()}
 *   byte[payloadLength]  payload
 * </pre>
 * The CRC covers the length too, so a damaged length cannot make us read a wrong-sized record
 * whose bytes happen to check out. All offsets here are absolute positions in the buffer.
 *
 * <p>Payloads (longs and ints big-endian):
 * <pre>
 *   entry       (type 4)  long term, long index, byte kind (0 DATA, 1 CONFIG), data to the end
 *   old entry   (type 1)  long term, long index, data to the end; read as DATA, no longer written
 *   hard state  (type 2)  long term, long commit, int voteLength (-1: no vote), vote in UTF-8
 *   snapshot    (type 3)  long index, long term, byte keptSuffix (0 or 1)
 * </pre>
 * Entries got a kind after logs already existed on disk, so the kind came with a new type rather
 * than a changed payload: segments written before still open, and an older build that meets a
 * type 4 record refuses to start instead of misreading it.
 */
final class RecordCodec {
    static final int HEADER_BYTES = 9;
    private static final int NULL_VOTE = -1;

    private RecordCodec() {
    }

    /** Outcome of looking at the bytes at one offset. */
    sealed interface Frame {
        /** A frame whose CRC checks out. */
        record Valid(WalRecord record, int nextOffset) implements Frame {
        }

        /** Too few bytes, a bad length or a CRC mismatch: torn or damaged. */
        record Invalid(String problem) implements Frame {
        }
    }

    static int encodedSize(WalRecord record) {
        return HEADER_BYTES + payloadSize(record);
    }

    /** Appends the framed record at {@code out}'s position; the caller ensures room for {@link #encodedSize}. */
    static void encode(WalRecord record, ByteBuffer out) {
        int start = out.position();
        out.putInt(payloadSize(record));
        out.putInt(0); // CRC placeholder, filled in below once the payload is in place
        out.put(record.type());
        switch (record) {
            case WalRecord.EntryRecord r -> {
                out.putLong(r.entry().term());
                out.putLong(r.entry().index());
                out.put(r.entry().kind().code);
                out.put(r.entry().data());
            }
            case WalRecord.HardStateRecord r -> {
                HardState hs = r.hardState();
                out.putLong(hs.term());
                out.putLong(hs.commit());
                if (hs.votedFor() == null) {
                    out.putInt(NULL_VOTE);
                } else {
                    byte[] vote = hs.votedFor().getBytes(StandardCharsets.UTF_8);
                    out.putInt(vote.length);
                    out.put(vote);
                }
            }
            case WalRecord.SnapshotMarker r -> {
                out.putLong(r.index());
                out.putLong(r.term());
                out.put(r.keptSuffix() ? (byte) 1 : (byte) 0);
            }
        }
        int end = out.position();
        out.putInt(start + 4, crcOf(out, start, end));
    }

    /**
     * Reads the frame starting at {@code offset} within {@code [0, limit)} of {@code in}.
     *
     * @throws IllegalStateException if the CRC checks out but the payload does not parse; that is
     *     not a torn write but a bug or a foreign file, and the caller reports it as corruption
     */
    static Frame decode(ByteBuffer in, int offset, int limit) {
        if (limit - offset < HEADER_BYTES) {
            return new Frame.Invalid("truncated record header");
        }
        int length = in.getInt(offset);
        if (length < 0 || length > limit - offset - HEADER_BYTES) {
            return new Frame.Invalid("record length " + length + " runs past the end of the file");
        }
        int end = offset + HEADER_BYTES + length;
        if (in.getInt(offset + 4) != crcOf(in, offset, end)) {
            return new Frame.Invalid("CRC mismatch");
        }
        ByteBuffer payload = in.slice(offset + HEADER_BYTES, length);
        WalRecord record = parse(in.get(offset + 8), payload);
        return new Frame.Valid(record, end);
    }

    private static WalRecord parse(byte type, ByteBuffer p) {
        try {
            WalRecord record = switch (type) {
                case WalRecord.EntryRecord.TYPE, WalRecord.EntryRecord.DATA_ONLY_TYPE -> {
                    long term = p.getLong();
                    long index = p.getLong();
                    Entry.Kind kind = type == WalRecord.EntryRecord.TYPE ? Entry.Kind.ofCode(p.get()) : Entry.Kind.DATA;
                    byte[] data = new byte[p.remaining()];
                    p.get(data);
                    yield new WalRecord.EntryRecord(new Entry(term, index, kind, data));
                }
                case WalRecord.HardStateRecord.TYPE -> {
                    long term = p.getLong();
                    long commit = p.getLong();
                    int voteLength = p.getInt();
                    String vote = null;
                    if (voteLength != NULL_VOTE) {
                        byte[] bytes = new byte[voteLength];
                        p.get(bytes);
                        vote = new String(bytes, StandardCharsets.UTF_8);
                    }
                    yield new WalRecord.HardStateRecord(new HardState(term, vote, commit));
                }
                case WalRecord.SnapshotMarker.TYPE -> new WalRecord.SnapshotMarker(p.getLong(), p.getLong(), p.get() != 0);
                default -> throw new IllegalStateException("unknown record type " + type);
            };
            if (p.hasRemaining()) {
                throw new IllegalStateException("record type " + type + " has " + p.remaining() + " trailing bytes");
            }
            return record;
        } catch (RuntimeException e) {
            if (e instanceof IllegalStateException) {
                throw e;
            }
            throw new IllegalStateException("record type " + type + " does not parse: " + e, e);
        }
    }

    private static int payloadSize(WalRecord record) {
        return switch (record) {
            case WalRecord.EntryRecord r -> 17 + r.entry().data().length;
            case WalRecord.HardStateRecord r -> 20 + (r.hardState().votedFor() == null
                    ? 0 : r.hardState().votedFor().getBytes(StandardCharsets.UTF_8).length);
            case WalRecord.SnapshotMarker r -> 17;
        };
    }

    /** CRC32C over the length field and everything after the CRC field, up to {@code end}. */
    private static int crcOf(ByteBuffer buf, int start, int end) {
        CRC32C crc = new CRC32C();
        crc.update(buf.slice(start, 4));
        crc.update(buf.slice(start + 8, end - start - 8));
        return (int) crc.getValue();
    }
}
