package io.tessera;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tessera.config.InvalidOptionException;
import io.tessera.profile.ProfileOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;

/**
 * Turns command-line arguments into a {@link Configuration}: {@code --config FILE} (YAML, nested or
 * flat keys) first, then {@code --cdp.x.y value} pairs, which win; {@code --definitions FILE} is
 * short for {@code --cdp.profile.definitions FILE}. Anything else is refused.
 */
public final class ConfigArguments {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConfigArguments() {}

    /** Parses {@code --config FILE} and {@code --key value} arguments. */
    public static Configuration parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("expected --option value, got '" + arg + "'");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + arg + " has no value");
            }
            String key = arg.substring(2);
            String value = args[++i];
            if (key.equals("config")) {
                values.putAll(readYaml(Path.of(value)));
            } else if (key.equals("definitions")) {
                overrides.put(ProfileOptions.DEFINITIONS.key(), value);
            } else if (key.startsWith("cdp.")) {
                overrides.put(key, value);
            } else {
                throw new InvalidOptionException(
                        key,
                        "unknown argument --"
                                + key
                                + " (job options are --cdp.*, --config FILE or --definitions"
                                + " FILE)");
            }
        }
        values.putAll(overrides);
        return Configuration.fromMap(values);
    }

    /** Reads a YAML file of options into flat {@code a.b.c} keys. */
    public static Map<String, String> readYaml(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new InvalidOptionException(
                    "config", "cannot read the config file " + file.toAbsolutePath() + ": " + e);
        }
        Map<String, String> flat = new LinkedHashMap<>();
        if (root != null && !root.isMissingNode() && !root.isNull()) {
            if (!root.isObject()) {
                throw new IllegalArgumentException(
                        "config file " + file + " must hold a YAML mapping of options");
            }
            flatten("", root, flat);
        }
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                flatten(
                        prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(),
                        field.getValue(),
                        out);
            }
        } else if (node.isArray()) {
            StringBuilder list = new StringBuilder();
            node.forEach(item -> list.append(list.length() == 0 ? "" : ";").append(item.asText()));
            out.put(prefix, list.toString());
        } else {
            out.put(prefix, node.asText());
        }
    }
}
