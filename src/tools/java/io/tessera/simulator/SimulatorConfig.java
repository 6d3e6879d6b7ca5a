package io.tessera.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the simulator serves: its project, the attributes the project declares, and experiences
 * whose variants target users by conditions over attributes. As JSON:
 *
 * <pre>{@code
 * {"projectUid": "demo-project", "strictAttributes": false, "attributes": ["cdp_aud_vip"],
 *  "experiences": [{"shortUid": "a", "name": "Cart reminder",
 *    "variants": [{"shortUid": "1", "name": "Reminder",
 *      "when": {"attribute": "cdp_aud_cart_abandoner_30m", "equals": true}}]}]}
 * }</pre>
 *
 * A condition is {@code {"attribute", "equals"}} or {@code {"attribute", "atLeast"}} (a number); an
 * experience serves its first variant whose condition holds, else none.
 *
 * @param projectUid the one project it knows; others get 404
 * @param strictAttributes whether a PATCH of an undeclared attribute is refused (400)
 * @param attributes the declared attributes
 * @param experiences in priority order
 */
public record SimulatorConfig(
        String projectUid,
        boolean strictAttributes,
        Set<String> attributes,
        List<Experience> experiences) {

    /** An experience: its variants in order. */
    public record Experience(String shortUid, String name, List<Variant> variants) {}

    /** A variant and who gets it. */
    public record Variant(String shortUid, String name, JsonNode when) {}

    /** A project with no experiences that takes any attribute. */
    public static SimulatorConfig open(String projectUid) {
        return new SimulatorConfig(projectUid, false, Set.of(), List.of());
    }

    /** Reads a config file. */
    public static SimulatorConfig load(Path file) throws IOException {
        return of(new ObjectMapper().readTree(file.toFile()));
    }

    /** Reads a config. */
    public static SimulatorConfig of(JsonNode json) {
        String project = json.path("projectUid").asText(null);
        if (project == null || project.isBlank()) {
            throw new IllegalArgumentException("a simulator config needs a projectUid");
        }
        Set<String> attributes = new TreeSet<>();
        json.path("attributes").forEach(a -> attributes.add(a.asText()));
        List<Experience> experiences = new ArrayList<>();
        for (JsonNode experience : json.path("experiences")) {
            List<Variant> variants = new ArrayList<>();
            for (JsonNode variant : experience.path("variants")) {
                variants.add(
                        new Variant(
                                variant.path("shortUid").asText(),
                                variant.path("name").asText(variant.path("shortUid").asText()),
                                variant.path("when")));
            }
            experiences.add(
                    new Experience(
                            experience.path("shortUid").asText(),
                            experience.path("name").asText(experience.path("shortUid").asText()),
                            variants));
        }
        return new SimulatorConfig(
                project, json.path("strictAttributes").asBoolean(false), attributes, experiences);
    }
}
