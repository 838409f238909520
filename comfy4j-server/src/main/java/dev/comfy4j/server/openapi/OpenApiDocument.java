package dev.comfy4j.server.openapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The OpenAPI 3.1 description of every route, written by hand in {@code openapi/comfy4j-openapi.yaml}
 * (the routes' prose and schemas need a person) and held against the router by a test, so that the
 * two cannot drift: every route is documented and every documented path answers.
 */
public final class OpenApiDocument {
    static final String RESOURCE = "/openapi/comfy4j-openapi.yaml";

    private OpenApiDocument() {}

    /** The document as JSON, with {@code info.version} set to the running version. */
    public static ObjectNode load(String version) {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the class path");
            Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            ObjectNode doc = Json.MAPPER.valueToTree(tree);
            ((ObjectNode) doc.get("info")).put("version", version);
            return doc;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
