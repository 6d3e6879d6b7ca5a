package io.tessera.traits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tessera.definitions.AudienceDefinition;
import io.tessera.definitions.DefinitionProblem;
import io.tessera.definitions.DefinitionValidator;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The active traits and rule audiences the profile stage computes: traits in dependency order (a
 * derived trait after the traits it reads), audiences in id order. Sequence audiences belong to the
 * CEP stage and are not part of it.
 */
public record DefinitionSet(List<TraitDefinition> traits, List<AudienceDefinition> audiences)
        implements Serializable {

    /** No definitions: profiles keep only their basics. */
    public static DefinitionSet empty() {
        return new DefinitionSet(List.of(), List.of());
    }

    /** Reads a bootstrap file (JSON array or YAML list); refuses it whole if anything is wrong. */
    public static DefinitionSet load(Path file) {
        return of(readTree(file));
    }

    /**
     * The definitions of a bootstrap file, each as compact JSON, after validating the whole file.
     *
     * @throws IllegalArgumentException listing every problem when the file is not valid
     */
    public static List<String> read(Path file) {
        JsonNode root = readTree(file);
        of(root);
        List<String> definitions = new ArrayList<>();
        (root.isArray() ? root : new ObjectMapper().createArrayNode().add(root))
                .forEach(d -> definitions.add(d.toString()));
        return List.copyOf(definitions);
    }

    private static JsonNode readTree(Path file) {
        String name = file.getFileName().toString();
        ObjectMapper mapper =
                name.endsWith(".yaml") || name.endsWith(".yml")
                        ? new ObjectMapper(new YAMLFactory())
                        : new ObjectMapper();
        try {
            return mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read definitions " + file, e);
        }
    }

    /**
     * The definitions of a validated array; for one id the highest version wins.
     *
     * @throws IllegalArgumentException listing every problem when the set is not valid
     */
    public static DefinitionSet of(JsonNode array) {
        List<DefinitionProblem> problems = DefinitionValidator.validate(array);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "invalid definitions:\n  "
                            + String.join(
                                    "\n  ", problems.stream().map(Object::toString).toList()));
        }
        Map<String, TraitDefinition> traits = new LinkedHashMap<>();
        Map<String, AudienceDefinition> audiences = new java.util.TreeMap<>();
        for (JsonNode d : array.isArray() ? array : List.of(array)) {
            if ("trait".equals(d.path("kind").asText())) {
                TraitDefinition trait = TraitDefinition.of(d);
                traits.merge(trait.id(), trait, (a, b) -> a.version() >= b.version() ? a : b);
            } else if ("rule".equals(d.path("type").asText())) {
                AudienceDefinition audience = AudienceDefinition.of(d);
                audiences.merge(
                        audience.id(), audience, (a, b) -> a.version() >= b.version() ? a : b);
            }
        }
        List<TraitDefinition> ordered = new ArrayList<>();
        traits.values().stream()
                .filter(TraitDefinition::active)
                .forEach(t -> place(t, traits, ordered));
        return new DefinitionSet(
                List.copyOf(ordered),
                audiences.values().stream().filter(AudienceDefinition::active).toList());
    }

    /** Places a trait after the traits its expression reads (the validator ruled out cycles). */
    private static void place(
            TraitDefinition trait,
            Map<String, TraitDefinition> all,
            List<TraitDefinition> ordered) {
        if (ordered.contains(trait)) {
            return;
        }
        if (trait.expression() != null) {
            for (String input : trait.expression().traits()) {
                TraitDefinition dependency = all.get(input);
                if (dependency != null && dependency.active()) {
                    place(dependency, all, ordered);
                }
            }
        }
        ordered.add(trait);
    }
}
