package dev.dsync.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a whole segment file and reports where, if anywhere, its valid prefix ends. It does not
 * decide whether damage is a harmless torn tail or real corruption; {@link WalReplay} does, because
 * that depends on whether this is the newest segment.
 */
final class SegmentReader {

    /** A decoded record and the byte offset of its frame in the file. */
    record Located(WalRecord record, long offset) {
    }

    /**
     * @param records           the valid prefix, in file order
     * @param validBytes        length of that prefix; equal to the file size when {@code damage} is null
     * @param damage            why the frame at {@code validBytes} could not be read, or null
     * @param validFrameAfter   whether some checksummed frame exists after the damage, which rules
     *                          out a torn final write
     */
    record Scan(Path file, List<Located> records, long validBytes, String damage, boolean validFrameAfter) {
    }

    private SegmentReader() {
    }

    static Scan scan(Volume volume, Path file) throws IOException {
        ByteBuffer bytes = volume.readAll(file);
        int limit = bytes.limit();
        List<Located> records = new ArrayList<>();
        int offset = 0;
        while (offset < limit) {
            RecordCodec.Frame frame = decodeOrFail(file, bytes, offset, limit);
            if (frame instanceof RecordCodec.Frame.Valid valid) {
                records.add(new Located(valid.record(), offset));
                offset = valid.nextOffset();
            } else {
                String problem = ((RecordCodec.Frame.Invalid) frame).problem();
                return new Scan(file, records, offset, problem, anyValidFrameAfter(bytes, offset + 1, limit));
            }
        }
        return new Scan(file, records, offset, null, false);
    }

    /**
     * Tries every byte offset after the damage. A torn write leaves only garbage (or zeros) after
     * the last good frame; a checksummed frame further on means bytes that were once written in
     * full have been damaged since. Cost is only paid when damage exists, which is rare.
     */
    private static boolean anyValidFrameAfter(ByteBuffer bytes, int from, int limit) {
        for (int p = from; p + RecordCodec.HEADER_BYTES <= limit; p++) {
            try {
                if (RecordCodec.decode(bytes, p, limit) instanceof RecordCodec.Frame.Valid) {
                    return true;
                }
            } catch (IllegalStateException checksummedButUnparseable) {
                return true;
            }
        }
        return false;
    }

    private static RecordCodec.Frame decodeOrFail(Path file, ByteBuffer bytes, int offset, int limit)
            throws CorruptLogException {
        try {
            return RecordCodec.decode(bytes, offset, limit);
        } catch (IllegalStateException e) {
            throw new CorruptLogException(file, offset, "checksummed record does not parse (" + e.getMessage() + ")");
        }
    }
}
