package dev.dsync.statemachine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What one log entry carries: the leader's clock, the optional client session key, and the
 * service's own command bytes.
 *
 * @param clientId  null for commands that belong to no client session (e.g. lease expiry)
 * @param requestId null unless the client asked for at-most-once application
 */
public record Envelope(long nowMs, String clientId, String requestId, byte[] command) {
    private static final int FORMAT = 1;

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(command.length + 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(nowMs);
            writeNullable(out, clientId);
            writeNullable(out, requestId);
            out.writeInt(command.length);
            out.write(command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static Envelope decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new IllegalArgumentException("unknown envelope format " + format);
            }
            long nowMs = in.readLong();
            String clientId = readNullable(in);
            String requestId = readNullable(in);
            byte[] command = new byte[in.readInt()];
            in.readFully(command);
            return new Envelope(nowMs, clientId, requestId, command);
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt envelope", e);
        }
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
