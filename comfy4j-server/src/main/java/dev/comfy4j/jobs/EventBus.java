package dev.comfy4j.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Messages every server of one job store receives, in the order they were published: WebSocket
 * events of running prompts, queue changes, interrupts. One process needs no bus: {@link #LOCAL}
 * hands a message straight to this process's subscribers.
 */
public interface EventBus extends AutoCloseable {
    /** Topics of the messages: the {@code topic} field of each. */
    String EVENT = "event";
    String QUEUE_CHANGED = "queue";
    String INTERRUPT = "interrupt";

    void publish(ObjectNode message);

    void subscribe(Consumer<ObjectNode> subscriber);

    /** Whether messages reach other servers (and previews lose their per-socket format choice). */
    default boolean crossesServers() {
        return false;
    }

    @Override
    default void close() {}

    /** A bus within one process: synchronous, in publication order. */
    final class Local implements EventBus {
        private final List<Consumer<ObjectNode>> subscribers = new CopyOnWriteArrayList<>();

        @Override public void publish(ObjectNode message) {
            subscribers.forEach(s -> s.accept(message));
        }

        @Override public void subscribe(Consumer<ObjectNode> subscriber) {
            subscribers.add(subscriber);
        }
    }
}
