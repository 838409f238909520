package dev.comfy4j.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Collects engine events in order, as {@code {type, data}} pairs. */
class RecordingListener implements ExecutionListener {
    record Event(String type, ObjectNode data) {}

    final List<Event> events = new ArrayList<>();
    final List<String> texts = new ArrayList<>();
    final List<ObjectNode> previews = new ArrayList<>();

    @Override
    public void event(String type, ObjectNode data) {
        events.add(new Event(type, data.deepCopy()));
    }

    @Override
    public void previewImage(String imageType, byte[] encoded, ObjectNode metadata) {
        previews.add(metadata);
    }

    @Override
    public void progressText(String nodeId, String text) {
        texts.add(nodeId + ":" + text);
    }

    List<String> types() {
        return events.stream().map(Event::type).toList();
    }

    /** Node ids of the {@code executing} events: the execution order. */
    List<String> executingOrder() {
        return events.stream().filter(e -> e.type().equals("executing")).map(e -> e.data().get("node").asText()).toList();
    }

    List<ObjectNode> ofType(String type) {
        return events.stream().filter(e -> e.type().equals(type)).map(Event::data).toList();
    }

    ObjectNode last(String type) {
        List<ObjectNode> all = ofType(type);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }
}
