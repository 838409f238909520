package dev.comfy4j.support;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;

/** Small API-format prompts for tests. */
public final class Prompts {
    private Prompts() {}

    /** Nodes "1", "2", ... of the given classes, without inputs. */
    public static ObjectNode prompt(String... classes) {
        ObjectNode p = Json.object();
        for (int i = 0; i < classes.length; i++) {
            ObjectNode node = p.putObject(Integer.toString(i + 1));
            node.put("class_type", classes[i]);
            node.putObject("inputs");
        }
        return p;
    }

    /** A {@code POST /prompt} body. */
    public static ObjectNode body(ObjectNode prompt) {
        ObjectNode b = Json.object();
        b.set("prompt", prompt);
        return b;
    }
}
