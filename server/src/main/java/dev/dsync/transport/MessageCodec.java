package dev.dsync.transport;

import dev.dsync.raft.Entry;
import dev.dsync.raft.Membership;
import dev.dsync.raft.Message;
import dev.dsync.raft.Snapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary wire format of one Raft message: a type byte, then the record's fields in declaration
 * order (longs and ints big-endian, booleans as one byte, strings as {@link DataOutputStream#writeUTF},
 * byte arrays as an int length and the bytes). A message travels as one frame of a peer stream
 * ({@link PeerStreamReceiver}): an int length, then these bytes.
 *
 * <p>Nested values: an {@link Entry} is long term, long index, byte kind (0 DATA, 1 CONFIG), byte
 * array data; a {@link Snapshot} is long index, long term, membership, byte array data, where the
 * membership is an int length and {@link Membership#encode()}'s bytes, or the length -1 for null.
 * There is no version field: only peers of the same build talk to each other.
 */
public final class MessageCodec {
    /** Largest frame accepted: a snapshot of a large state machine fits, a garbage length does not. */
    public static final int MAX_FRAME_BYTES = 128 << 20;

    private static final byte VOTE_REQUEST = 1;
    private static final byte VOTE_RESPONSE = 2;
    private static final byte APPEND_REQUEST = 3;
    private static final byte APPEND_RESPONSE = 4;
    private static final byte SNAPSHOT_REQUEST = 5;
    private static final byte SNAPSHOT_RESPONSE = 6;
    private static final byte TIMEOUT_NOW = 7;

    private static final int NO_MEMBERSHIP = -1;
    private static final int MIN_ENTRY_BYTES = 8 + 8 + 1 + 4;

    private MessageCodec() {}

    /** Writes {@code m} as one frame: its length, then its encoding. */
    public static void writeFrame(Message m, DataOutputStream out) throws IOException {
        byte[] body = encode(m);
        out.writeInt(body.length);
        out.write(body);
    }

    /**
     * Reads one frame, or returns null at a clean end of stream (before a frame's first byte).
     *
     * @throws IllegalArgumentException naming the problem when the frame is not a valid message
     * @throws IOException when the stream breaks inside a frame
     */
    public static Message readFrame(DataInputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        int length = (first << 24) | (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
        if (length <= 0 || length > MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("raft frame length " + length + " is outside 1.." + MAX_FRAME_BYTES);
        }
        return decode(in.readNBytes(length), length);
    }

    public static byte[] encode(Message m) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            switch (m) {
                case Message.VoteRequest v -> {
                    header(out, VOTE_REQUEST, m);
                    out.writeLong(v.lastLogIndex());
                    out.writeLong(v.lastLogTerm());
                    out.writeBoolean(v.preVote());
                    out.writeBoolean(v.leadershipTransfer());
                }
                case Message.VoteResponse v -> {
                    header(out, VOTE_RESPONSE, m);
                    out.writeBoolean(v.granted());
                    out.writeBoolean(v.preVote());
                }
                case Message.AppendRequest a -> {
                    header(out, APPEND_REQUEST, m);
                    out.writeLong(a.prevLogIndex());
                    out.writeLong(a.prevLogTerm());
                    out.writeInt(a.entries().size());
                    for (Entry e : a.entries()) {
                        out.writeLong(e.term());
                        out.writeLong(e.index());
                        out.writeByte(e.kind().code);
                        bytes(out, e.data());
                    }
                    out.writeLong(a.leaderCommit());
                    out.writeLong(a.readContext());
                }
                case Message.AppendResponse a -> {
                    header(out, APPEND_RESPONSE, m);
                    out.writeBoolean(a.success());
                    out.writeLong(a.matchIndex());
                    out.writeLong(a.rejectHint());
                    out.writeLong(a.readContext());
                }
                case Message.SnapshotRequest s -> {
                    header(out, SNAPSHOT_REQUEST, m);
                    out.writeLong(s.snapshot().index());
                    out.writeLong(s.snapshot().term());
                    membership(out, s.snapshot().membership());
                    bytes(out, s.snapshot().data());
                }
                case Message.SnapshotResponse s -> {
                    header(out, SNAPSHOT_RESPONSE, m);
                    out.writeLong(s.matchIndex());
                }
                case Message.TimeoutNow t -> header(out, TIMEOUT_NOW, m);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a byte array stream does not fail", e);
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException naming the problem when {@code body} is not exactly one valid message */
    public static Message decode(byte[] body) {
        return decode(body, body.length);
    }

    private static Message decode(byte[] body, int announced) {
        if (body.length < announced) {
            throw new IllegalArgumentException("raft frame ends after " + body.length + " of its " + announced + " bytes");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
        try {
            Message m = switch (in.readByte()) {
                case VOTE_REQUEST -> new Message.VoteRequest(in.readUTF(), in.readUTF(), in.readLong(), in.readLong(), in.readLong(),
                        in.readBoolean(), in.readBoolean());
                case VOTE_RESPONSE -> new Message.VoteResponse(in.readUTF(), in.readUTF(), in.readLong(), in.readBoolean(), in.readBoolean());
                case APPEND_REQUEST -> appendRequest(in, body.length);
                case APPEND_RESPONSE -> new Message.AppendResponse(in.readUTF(), in.readUTF(), in.readLong(), in.readBoolean(),
                        in.readLong(), in.readLong(), in.readLong());
                case SNAPSHOT_REQUEST -> new Message.SnapshotRequest(in.readUTF(), in.readUTF(), in.readLong(),
                        new Snapshot(in.readLong(), in.readLong(), membership(in, body.length), bytes(in, body.length)));
                case SNAPSHOT_RESPONSE -> new Message.SnapshotResponse(in.readUTF(), in.readUTF(), in.readLong(), in.readLong());
                case TIMEOUT_NOW -> new Message.TimeoutNow(in.readUTF(), in.readUTF(), in.readLong());
                default -> throw new IllegalArgumentException("unknown raft message type " + body[0]);
            };
            if (in.available() > 0) {
                throw new IllegalArgumentException(m.getClass().getSimpleName() + " frame has " + in.available() + " bytes left over");
            }
            return m;
        } catch (EOFException e) {
            throw new IllegalArgumentException("raft frame of " + body.length + " bytes is too short for its message type");
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed raft frame: " + e.getMessage(), e);
        }
    }

    private static Message.AppendRequest appendRequest(DataInputStream in, int frameBytes) throws IOException {
        String from = in.readUTF();
        String to = in.readUTF();
        long term = in.readLong();
        long prevLogIndex = in.readLong();
        long prevLogTerm = in.readLong();
        int count = in.readInt();
        // A count beyond what the frame can hold is garbage: do not allocate for it.
        if (count < 0 || count > frameBytes / MIN_ENTRY_BYTES) {
            throw new IllegalArgumentException("AppendRequest claims " + count + " entries in a " + frameBytes + "-byte frame");
        }
        List<Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            entries.add(new Entry(in.readLong(), in.readLong(), Entry.Kind.ofCode(in.readByte()), bytes(in, frameBytes)));
        }
        return new Message.AppendRequest(from, to, term, prevLogIndex, prevLogTerm, entries, in.readLong(), in.readLong());
    }

    private static void membership(DataOutputStream out, Membership membership) throws IOException {
        if (membership == null) {
            out.writeInt(NO_MEMBERSHIP);
        } else {
            bytes(out, membership.encode());
        }
    }

    /** @throws IllegalArgumentException from {@link Membership#decode} when the bytes are not one */
    private static Membership membership(DataInputStream in, int frameBytes) throws IOException {
        int length = in.readInt();
        return length == NO_MEMBERSHIP ? null : Membership.decode(bytes(in, length, frameBytes));
    }

    private static void header(DataOutputStream out, byte type, Message m) throws IOException {
        out.writeByte(type);
        out.writeUTF(m.from());
        out.writeUTF(m.to());
        out.writeLong(m.term());
    }

    private static void bytes(DataOutputStream out, byte[] data) throws IOException {
        out.writeInt(data.length);
        out.write(data);
    }

    private static byte[] bytes(DataInputStream in, int frameBytes) throws IOException {
        return bytes(in, in.readInt(), frameBytes);
    }

    private static byte[] bytes(DataInputStream in, int length, int frameBytes) throws IOException {
        if (length < 0 || length > frameBytes) {
            throw new IllegalArgumentException("byte array of " + length + " bytes in a " + frameBytes + "-byte frame");
        }
        byte[] data = in.readNBytes(length);
        if (data.length < length) {
            throw new IllegalArgumentException("byte array of " + length + " bytes cut off after " + data.length);
        }
        return data;
    }
}
