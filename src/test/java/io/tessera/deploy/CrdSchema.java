package io.tessera.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A custom resource's OpenAPI v3 schema, checked the way the Kubernetes API server checks a
 * structural schema, except that an unknown field is an error here where the server would prune it
 * silently (a typo in a manifest would be lost without a word).
 */
final class CrdSchema {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Fields of every resource that a custom resource's schema leaves out. */
    private static final Set<String> ROOT_FIELDS = Set.of("apiVersion", "kind", "metadata");

    private final String group;
    private final List<String> versions = new ArrayList<>();
    private final String kind;
    private final JsonNode schema;

    private CrdSchema(JsonNode crd) {
        JsonNode spec = crd.path("spec");
        this.group = spec.path("group").asText();
        this.kind = spec.path("names").path("kind").asText();
        for (JsonNode version : spec.path("versions")) {
            versions.add(version.path("name").asText());
        }
        this.schema = spec.path("versions").path(0).path("schema").path("openAPIV3Schema");
    }

    static CrdSchema load(Path file) throws IOException {
        return new CrdSchema(YAML.readTree(file.toFile()));
    }

    String kind() {
        return kind;
    }

    /**
     * The problems of a resource, each with its path; none when it is valid.
     *
     * @param partial whether it is a patch (required fields may be left out)
     */
    List<String> problems(JsonNode resource, boolean partial) {
        List<String> problems = new ArrayList<>();
        String apiVersion = resource.path("apiVersion").asText();
        if (!versions.stream().anyMatch(v -> apiVersion.equals(group + "/" + v))) {
            problems.add("apiVersion: " + apiVersion + " is not one of " + group + "/" + versions);
        }
        if (!kind.equals(resource.path("kind").asText())) {
            problems.add("kind: " + resource.path("kind").asText() + " is not " + kind);
        }
        check(schema, resource, "", partial, problems);
        return problems;
    }

    private static void check(
            JsonNode schema, JsonNode value, String path, boolean partial, List<String> out) {
        if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
                && !schema.has("properties")) {
            return;
        }
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            if (!value.isIntegralNumber() && !value.isTextual()) {
                out.add(path + ": expected an integer or a string, got " + value);
            }
            return;
        }
        if (schema.has("enum") && !contains(schema.get("enum"), value)) {
            out.add(path + ": " + value + " is not one of " + schema.get("enum"));
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "object" -> checkObject(schema, value, path, partial, out);
            case "array" -> {
                if (!value.isArray()) {
                    out.add(path + ": expected an array, got " + value.getNodeType());
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    check(schema.path("items"), value.get(i), path + "[" + i + "]", partial, out);
                }
            }
            case "string" -> expect(value.isTextual(), "a string", value, path, out);
            case "integer" -> expect(value.isIntegralNumber(), "an integer", value, path, out);
            case "number" -> expect(value.isNumber(), "a number", value, path, out);
            case "boolean" -> expect(value.isBoolean(), "a boolean", value, path, out);
            default -> {
                if (!type.isEmpty()) {
                    out.add(path + ": the schema has an unknown type " + type);
                }
            }
        }
    }

    private static void checkObject(
            JsonNode schema, JsonNode value, String path, boolean partial, List<String> out) {
        if (!value.isObject()) {
            out.add(path + ": expected an object, got " + value.getNodeType());
            return;
        }
        JsonNode properties = schema.path("properties");
        JsonNode additional = schema.get("additionalProperties");
        boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String at = path + "." + field.getKey();
            if (properties.has(field.getKey())) {
                check(properties.get(field.getKey()), field.getValue(), at, partial, out);
            } else if (additional != null && additional.isObject()) {
                check(additional, field.getValue(), at, partial, out);
            } else if (!preserve
                    && !(path.isEmpty() && ROOT_FIELDS.contains(field.getKey()))
                    && !properties.isMissingNode()) {
                out.add(at + ": unknown field");
            }
        }
        if (!partial) {
            for (JsonNode required : schema.path("required")) {
                if (!value.has(required.asText())) {
                    out.add(path + "." + required.asText() + ": required");
                }
            }
        }
    }

    private static void expect(
            boolean ok, String what, JsonNode value, String path, List<String> out) {
        if (!ok) {
            out.add(path + ": expected " + what + ", got " + value.getNodeType() + " " + value);
        }
    }

    private static boolean contains(JsonNode values, JsonNode value) {
        for (JsonNode candidate : values) {
            if (candidate.equals(value)) {
                return true;
            }
        }
        return false;
    }
}
