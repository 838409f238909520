package dev.comfy4j.server.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.engine.ExecutionListener;
import dev.comfy4j.jobs.JobEvents;
import java.util.function.Function;

/** Passes job events on and grants each {@code executed} node's files to the prompt's owner. */
public final class OutputGrantingEvents implements JobEvents {
    private final JobEvents next;
    private final OutputGrants grants;
    private final Function<String, String> ownerOfPrompt;

    public OutputGrantingEvents(JobEvents next, OutputGrants grants, Function<String, String> ownerOfPrompt) {
        this.next = next;
        this.grants = grants;
        this.ownerOfPrompt = ownerOfPrompt;
    }

    @Override
    public void queueChanged() {
        next.queueChanged();
    }

    @Override
    public ExecutionListener promptListener(String promptId, String clientId) {
        String owner = ownerOfPrompt.apply(promptId);
        ExecutionListener inner = next.promptListener(promptId, clientId);
        if (owner == null) return inner;
        return new ExecutionListener() {
            @Override
            public void event(String type, ObjectNode data) {
                // granted before the client hears of the files, so its /view right after succeeds
                if (type.equals("executed")) grants.grantOutputs(owner, data.get("output"));
                inner.event(type, data);
            }

            @Override
            public void executionBlocked(ObjectNode data) {
                inner.executionBlocked(data);
            }

            @Override
            public void previewImage(String imageType, byte[] encoded, ObjectNode metadata) {
                inner.previewImage(imageType, encoded, metadata);
            }

            @Override
            public void progressText(String nodeId, String text) {
                inner.progressText(nodeId, text);
            }
        };
    }

    @Override
    public void promptFinished(String promptId, String clientId) {
        next.promptFinished(promptId, clientId);
    }
}
