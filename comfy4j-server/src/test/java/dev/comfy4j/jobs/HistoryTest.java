package dev.comfy4j.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The paging table of API spec §6.7 over five entries p0..p4. */
class HistoryTest {
    private final History history = new History(new MemoryJobStore());

    @BeforeEach
    void fill() {
        for (int i = 0; i < 5; i++) history.put("p" + i, entry(i));
    }

    private static ObjectNode entry(int i) {
        ObjectNode e = Json.object();
        e.put("n", i);
        return e;
    }

    private static List<String> ids(ObjectNode page) {
        List<String> ids = new ArrayList<>();
        page.fieldNames().forEachRemaining(ids::add);
        return ids;
    }

    @Test
    void noParametersGiveEverythingOldestFirst() {
        assertThat(ids(history.page(null, -1))).containsExactly("p0", "p1", "p2", "p3", "p4");
    }

    @Test
    void maxItemsGivesTheNewestStillOldestFirst() {
        assertThat(ids(history.page(2, -1))).containsExactly("p3", "p4");
        assertThat(ids(history.page(200, -1))).containsExactly("p0", "p1", "p2", "p3", "p4");
    }

    @Test
    void offsetAndMaxItemsSelectAWindow() {
        assertThat(ids(history.page(null, 2))).containsExactly("p2", "p3", "p4");
        assertThat(ids(history.page(2, 1))).containsExactly("p1", "p2");
        assertThat(ids(history.page(null, 5))).isEmpty();
    }

    @Test
    void maxItemsZeroIsEmptyWithoutOffsetButOneEntryWithIt() {
        assertThat(ids(history.page(0, -1))).isEmpty();
        assertThat(ids(history.page(0, 3))).containsExactly("p3");
    }

    @Test
    void aReusedPromptIdIsReplacedInPlace() {
        history.put("p1", entry(99));
        assertThat(ids(history.page(null, -1))).containsExactly("p0", "p1", "p2", "p3", "p4");
        assertThat(history.get("p1").get("p1").get("n").asInt()).isEqualTo(99);
    }

    @Test
    void deleteAndClear() {
        history.delete(List.of("p1", "unknown"));
        assertThat(ids(history.page(null, -1))).containsExactly("p0", "p2", "p3", "p4");
        assertThat(history.get("p1")).isEmpty();
        history.clear();
        assertThat(history.size()).isZero();
    }

    @Test
    void theOldestIsEvictedOnceMoreThanTheMaximumIsHeld() {
        History big = new History(new MemoryJobStore());
        for (int i = 0; i <= History.MAXIMUM_SIZE + 1; i++) big.put("q" + i, entry(i));
        assertThat(big.size()).isEqualTo(History.MAXIMUM_SIZE + 1);
        assertThat(big.get("q0")).isEmpty();
        assertThat(big.get("q1")).isNotEmpty();
    }
}
