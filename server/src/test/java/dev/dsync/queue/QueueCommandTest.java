package dev.dsync.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueCommandTest {

    @Test
    void everyCommandRoundTrips() {
        List<QueueCommand> commands = List.of(
                new QueueCommand.Enqueue("default", "k", JsonNodeFactory.instance.objectNode().put("a", 1), 5),
                new QueueCommand.Enqueue("q", "k", NullNode.getInstance(), 1),
                new QueueCommand.Dequeue("q.dlq", null, 1, QueueCommand.ANY_PARTITION),
                new QueueCommand.Dequeue("q", "c", 30_000, 7),
                new QueueCommand.Ack(3, null),
                new QueueCommand.Ack(3, "3-1"),
                new QueueCommand.Nack(4, "4-2", 100),
                new QueueCommand.ExpireLeases(List.of(1L, 2L)));
        for (QueueCommand command : commands) {
            assertEquals(command, QueueCommand.decode(command.encode()));
        }
    }

    @Test
    void invalidCommandsCannotBeBuiltOrDecoded() {
        assertThrows(IllegalArgumentException.class, () -> new QueueCommand.Enqueue("q.dlq", "k", null, 5));
        assertThrows(IllegalArgumentException.class, () -> new QueueCommand.Enqueue("bad name", "k", null, 5));
        assertThrows(IllegalArgumentException.class, () -> new QueueCommand.Enqueue("q", "", null, 5));
        assertThrows(IllegalArgumentException.class, () -> new QueueCommand.Enqueue("q", "k", null, 0));
        assertThrows(IllegalArgumentException.class, () -> new QueueCommand.Dequeue("q", null, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> new QueueCommand.Dequeue("q", null, 1, 8));
        assertThrows(IllegalArgumentException.class, () -> new QueueCommand.Ack(0, null));
        assertThrows(IllegalArgumentException.class, () -> new QueueCommand.Nack(1, null, 0));
        assertThrows(IllegalArgumentException.class, () -> new QueueCommand.Nack(1, "1-1", -1));
        for (String bad : List.of("", "null", "{}", "{\"op\":\"ack\",\"msgId\":1}", "{\"op\":\"ack\",\"msgId\":1,\"receipt\":null,\"x\":1}",
                "{\"op\":\"dequeue\",\"queue\":\"q\",\"consumerId\":null,\"visibilityMs\":null,\"partition\":-1}")) {
            assertThrows(IllegalArgumentException.class, () -> QueueCommand.decode(bad.getBytes(StandardCharsets.UTF_8)), bad);
        }
    }
}
