package dev.dsync.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * docs/openapi.yaml, read for tests: finds the schema of an operation's request body or of one of
 * its answers, and validates JSON against it with networknt's JSON Schema 2020-12 validator (the
 * dialect of OpenAPI 3.1). References to {@code #/components/schemas/X} become {@code #/$defs/X}
 * of a schema document that carries all component schemas.
 */
final class OpenApiSpec {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonNode root;
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final Map<String, Schema> compiled = new HashMap<>();

    OpenApiSpec(Path file) throws IOException {
        this.root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    }

    JsonNode root() {
        return root;
    }

    /** Every operation as "METHOD /path". */
    List<String> operations() {
        List<String> ops = new ArrayList<>();
        root.path("paths").fields().forEachRemaining(p ->
                p.getValue().fieldNames().forEachRemaining(m -> ops.add(m.toUpperCase() + " " + p.getKey())));
        return ops;
    }

    /** The one operation documented for a path, as "METHOD /path". */
    String operationAt(String path) {
        JsonNode item = root.path("paths").path(path);
        if (item.size() != 1) {
            throw new AssertionError("docs/openapi.yaml should have exactly one operation at " + path);
        }
        return item.fieldNames().next().toUpperCase() + " " + path;
    }

    /** The statuses documented for an operation. */
    List<String> statuses(String operation) {
        List<String> out = new ArrayList<>();
        operation(operation).path("responses").fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** The answer object for a status, its {@code $ref} followed; empty if the status is not documented. */
    Optional<JsonNode> response(String operation, int status) {
        JsonNode r = operation(operation).path("responses").path(Integer.toString(status));
        return r.isMissingNode() ? Optional.empty() : Optional.of(deref(r));
    }

    JsonNode requestBody(String operation) {
        return operation(operation).path("requestBody");
    }

    JsonNode operation(String operation) {
        String[] parts = operation.split(" ", 2);
        JsonNode op = root.path("paths").path(parts[1]).path(parts[0].toLowerCase());
        if (op.isMissingNode()) {
            throw new AssertionError("docs/openapi.yaml has no operation " + operation);
        }
        return op;
    }

    JsonNode deref(JsonNode node) {
        while (node.has("$ref")) {
            String ref = node.get("$ref").asText();
            JsonNode target = root;
            for (String part : ref.substring(2).split("/")) {
                target = target.path(part.replace("~1", "/").replace("~0", "~"));
            }
            node = target;
        }
        return node;
    }

    /** Validation errors of {@code json} (as text) against {@code schema}; empty when it conforms. */
    List<String> validate(JsonNode schema, String json) {
        Schema compiledSchema = compiled.computeIfAbsent(schema.toString(), text -> {
            ObjectNode doc = JSON.createObjectNode();
            doc.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            doc.set("$defs", root.path("components").path("schemas"));
            doc.set("allOf", JSON.createArrayNode().add(schema));
            return registry.getSchema(doc.toString().replace("#/components/schemas/", "#/$defs/"));
        });
        List<String> errors = new ArrayList<>();
        compiledSchema.validate(json, InputFormat.JSON).forEach(e -> errors.add(e.toString()));
        return errors;
    }

    /** Every example of a media type object: {@code example} and each of {@code examples}. */
    static List<JsonNode> examples(JsonNode media) {
        List<JsonNode> out = new ArrayList<>();
        if (media.has("example")) {
            out.add(media.get("example"));
        }
        for (Iterator<JsonNode> it = media.path("examples").elements(); it.hasNext(); ) {
            out.add(it.next().path("value"));
        }
        return out;
    }
}
