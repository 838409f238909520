package dev.comfy4j.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import dev.comfy4j.json.Json;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Queue order of API spec §8.2: number first, prompt_id second; front prompts run newest first. */
class PromptQueueTest {
    private final PromptQueue queue = new PromptQueue(new MemoryJobStore(), List.of());

    private QueueItem item(JsonNode number, String id) {
        return new QueueItem(number, id, Json.object(), Json.object(), List.of("1"), queue.nextSequence());
    }

    private String takeId() throws InterruptedException {
        QueueItem item = queue.take(1, TimeUnit.SECONDS).orElseThrow();
        queue.finish(item);
        return item.promptId();
    }

    @Test
    void theCounterNumbersPromptsAndFrontNegatesIt() {
        assertThat(queue.nextNumber(false).asLong()).isEqualTo(0);
        assertThat(queue.nextNumber(false).asLong()).isEqualTo(1);
        assertThat(queue.nextNumber(true).asLong()).isEqualTo(-2);
    }

    @Test
    void runsByNumberThenPromptIdWithFrontItemsLifo() throws Exception {
        queue.put(item(queue.nextNumber(false), "a"));    // 0
        queue.put(item(queue.nextNumber(false), "b"));    // 1
        queue.put(item(queue.nextNumber(true), "c"));     // -2
        queue.put(item(queue.nextNumber(true), "d"));     // -3
        queue.put(item(DoubleNode.valueOf(0.5), "e"));    // between a and b
        queue.put(item(DoubleNode.valueOf(0.5), "0-first-by-id"));
        assertThat(List.of(takeId(), takeId(), takeId(), takeId(), takeId(), takeId()))
                .containsExactly("d", "c", "a", "0-first-by-id", "e", "b");
    }

    @Test
    void remainingCountsTheRunningItem() throws Exception {
        queue.put(item(queue.nextNumber(false), "a"));
        queue.put(item(queue.nextNumber(false), "b"));
        QueueItem running = queue.take(1, TimeUnit.SECONDS).orElseThrow();
        assertThat(queue.remaining()).isEqualTo(2);
        queue.finish(running);
        assertThat(queue.remaining()).isEqualTo(1);
    }

    @Test
    void deleteRemovesTheFirstPendingItemWithThatId() {
        queue.put(item(queue.nextNumber(false), "dup"));
        queue.put(item(queue.nextNumber(false), "dup"));
        queue.put(item(queue.nextNumber(false), "other"));
        assertThat(queue.deletePending("dup")).isTrue();
        assertThat(queue.pending()).extracting(QueueItem::promptId).containsExactly("dup", "other");
        assertThat(queue.deletePending("nope")).isFalse();
        queue.clearPending();
        assertThat(queue.pending()).isEmpty();
    }

    @Test
    void takeTimesOutOnAnEmptyQueue() throws Exception {
        assertThat(queue.take(50, TimeUnit.MILLISECONDS)).isEmpty();
    }

    @Test
    void credentialsNeverLeaveTheItem() {
        var extra = Json.object();
        extra.put("client_id", "c");
        extra.put("api_key_comfy_org", "secret");
        extra.put("auth_token_comfy_org", "secret");
        QueueItem item = new QueueItem(queue.nextNumber(false), "x", Json.object(), extra, List.of(), 1);
        assertThat(Json.write(item.toTuple())).doesNotContain("secret").contains("\"client_id\":\"c\"");
        assertThat(item.extraData().has("api_key_comfy_org")).isTrue();
    }
}
