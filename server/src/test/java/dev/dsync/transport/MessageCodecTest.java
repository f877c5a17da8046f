package dev.dsync.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dsync.raft.Entry;
import dev.dsync.raft.Membership;
import dev.dsync.raft.Message;
import dev.dsync.raft.Snapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
    private final Random random = new Random(7);

    static final Membership MEMBERSHIP = new Membership(Map.of("lock-1", "http://10.0.0.1:8000", "nœud-2", ""),
            Map.of("lock-4", "http://10.0.0.4:8000"));

    /**
     * A random message of each type (and entries with and without data, configuration entries,
     * snapshots with and without a membership, ids with non-ASCII letters).
     */
    static List<Message> oneOfEach(Random random) {
        String a = "lock-" + random.nextInt(9);
        String b = "nœud-" + random.nextInt(9);
        List<Entry> entries = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            byte[] data = new byte[random.nextInt(3) == 0 ? 0 : random.nextInt(300)];
            random.nextBytes(data);
            long term = 1 + random.nextInt(5);
            long index = 1 + random.nextInt(1_000_000);
            entries.add(random.nextInt(3) == 0 ? Entry.config(term, index, MEMBERSHIP) : new Entry(term, index, data));
        }
        byte[] image = new byte[random.nextInt(5000)];
        random.nextBytes(image);
        return List.of(
                new Message.VoteRequest(a, b, random.nextLong(1, Long.MAX_VALUE), random.nextLong(0, 1000), random.nextLong(0, 1000),
                        random.nextBoolean(), random.nextBoolean()),
                new Message.VoteResponse(b, a, random.nextLong(1, 1000), random.nextBoolean(), random.nextBoolean()),
                new Message.AppendRequest(a, b, 3, random.nextLong(0, 1000), 2, entries, random.nextLong(0, 1000), random.nextLong()),
                new Message.AppendResponse(b, a, 3, random.nextBoolean(), random.nextLong(0, 1000), random.nextLong(0, 1000), random.nextLong()),
                new Message.SnapshotRequest(a, b, 4, new Snapshot(random.nextLong(0, 1000), 3,
                        random.nextBoolean() ? null : MEMBERSHIP, image)),
                new Message.SnapshotResponse(b, a, 4, random.nextLong(0, 1000)),
                new Message.TimeoutNow(a, b, 9));
    }

    @Test
    void everyMessageTypeSurvivesTheRoundTrip() {
        for (int round = 0; round < 200; round++) {
            for (Message m : oneOfEach(random)) {
                assertSameMessage(m, MessageCodec.decode(MessageCodec.encode(m)));
            }
        }
    }

    @Test
    void configurationEntriesAndSnapshotMembershipsSurviveTheRoundTrip() {
        List<Entry> entries = List.of(new Entry(2, 7, new byte[] {1}), Entry.config(2, 8, MEMBERSHIP), new Entry(2, 9, null));
        Message.AppendRequest append = (Message.AppendRequest) MessageCodec.decode(MessageCodec.encode(
                new Message.AppendRequest("a", "b", 2, 6, 2, entries, 6, 0)));
        assertEquals(List.of(Entry.Kind.DATA, Entry.Kind.CONFIG, Entry.Kind.DATA), append.entries().stream().map(Entry::kind).toList());
        assertEquals(MEMBERSHIP, append.entries().get(1).membership());
        // Null (the bootstrap member list) and the empty membership are different configurations.
        for (Membership m : Arrays.asList(MEMBERSHIP, Membership.EMPTY, null)) {
            Message.SnapshotRequest s = (Message.SnapshotRequest) MessageCodec.decode(MessageCodec.encode(
                    new Message.SnapshotRequest("a", "b", 2, new Snapshot(9, 2, m, new byte[] {9}))));
            assertEquals(m, s.snapshot().membership());
        }
    }

    @Test
    void unknownEntryKindIsRefused() {
        byte[] body = MessageCodec.encode(new Message.AppendRequest("a", "b", 1, 0, 0, List.of(new Entry(1, 1, null)), 0, 0));
        int kindAt = 1 + 3 + 3 + 8 + 8 + 8 + 4 + 8 + 8;
        assertEquals(0, body[kindAt], "DATA");
        body[kindAt] = 2;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MessageCodec.decode(body));
        assertTrue(e.getMessage().contains("kind"), e.getMessage());
    }

    @Test
    void framesFollowOneAnotherOnAStreamAndItsCleanEndReadsAsNull() throws Exception {
        List<Message> sent = oneOfEach(random);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (Message m : sent) {
            MessageCodec.writeFrame(m, out);
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        for (Message m : sent) {
            assertSameMessage(m, MessageCodec.readFrame(in));
        }
        assertNull(MessageCodec.readFrame(in));
    }

    @Test
    void everyTruncationAndEveryExtraByteIsRefusedWithAReason() {
        for (Message m : oneOfEach(random)) {
            byte[] whole = MessageCodec.encode(m);
            for (int cut = 0; cut < whole.length; cut++) {
                byte[] part = Arrays.copyOf(whole, cut);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MessageCodec.decode(part),
                        m.getClass().getSimpleName() + " cut to " + part.length + " bytes");
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
            }
            byte[] longer = Arrays.copyOf(whole, whole.length + 1);
            assertThrows(IllegalArgumentException.class, () -> MessageCodec.decode(longer));
        }
    }

    @Test
    void garbageLengthsTypesAndCountsAreRefusedWithoutAllocatingForThem() {
        assertThrows(IllegalArgumentException.class, () -> MessageCodec.decode(new byte[] {99, 0, 0}), "unknown type");
        for (int length : new int[] {0, -1, MessageCodec.MAX_FRAME_BYTES + 1}) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(length);
                out.write(new byte[16]);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MessageCodec.readFrame(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
            assertTrue(e.getMessage().contains("length"), e.getMessage());
        }
        // An AppendRequest that claims two billion entries in a small frame.
        byte[] append = MessageCodec.encode(new Message.AppendRequest("a", "b", 1, 0, 0, List.of(), 0, 0));
        int countAt = 1 + 3 + 3 + 8 + 8 + 8;
        append[countAt] = 0x7f;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MessageCodec.decode(append));
        assertTrue(e.getMessage().contains("entries"), e.getMessage());
    }

    static void assertSameMessage(Message expected, Message actual) {
        assertEquals(expected.getClass(), actual.getClass());
        switch (expected) {
            case Message.AppendRequest a -> {
                Message.AppendRequest b = (Message.AppendRequest) actual;
                assertEquals(List.of(a.from(), a.to(), a.term(), a.prevLogIndex(), a.prevLogTerm(), a.leaderCommit(), a.readContext()),
                        List.of(b.from(), b.to(), b.term(), b.prevLogIndex(), b.prevLogTerm(), b.leaderCommit(), b.readContext()));
                assertEquals(a.entries().size(), b.entries().size());
                for (int i = 0; i < a.entries().size(); i++) {
                    assertEquals(a.entries().get(i).term(), b.entries().get(i).term());
                    assertEquals(a.entries().get(i).index(), b.entries().get(i).index());
                    assertEquals(a.entries().get(i).kind(), b.entries().get(i).kind());
                    assertArrayEquals(a.entries().get(i).data(), b.entries().get(i).data());
                }
            }
            case Message.SnapshotRequest s -> {
                Message.SnapshotRequest t = (Message.SnapshotRequest) actual;
                assertEquals(List.of(s.from(), s.to(), s.term(), s.snapshot().index(), s.snapshot().term()),
                        List.of(t.from(), t.to(), t.term(), t.snapshot().index(), t.snapshot().term()));
                assertEquals(s.snapshot().membership(), t.snapshot().membership());
                assertArrayEquals(s.snapshot().data(), t.snapshot().data());
            }
            default -> assertEquals(expected, actual); // records without arrays compare by value
        }
    }
}
