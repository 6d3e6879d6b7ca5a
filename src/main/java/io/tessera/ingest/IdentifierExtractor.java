package io.tessera.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.model.Identifier;
import io.tessera.model.IdentifierTypes;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Takes every identifier of a Segment message (events.md, "Identifiers taken from a message"),
 * normalises it and drops what is blocked or not a scalar.
 */
public final class IdentifierExtractor implements Serializable {
    private static final long serialVersionUID = 1L;

    /** External id type names that mean a built-in type. */
    private static final Map<String, String> BUILT_IN_ALIASES =
            Map.of(
                    "user_id", IdentifierTypes.USER_ID,
                    "userid", IdentifierTypes.USER_ID,
                    "email", IdentifierTypes.EMAIL,
                    "phone", IdentifierTypes.PHONE,
                    "anonymous_id", IdentifierTypes.ANONYMOUS_ID,
                    "anonymousid", IdentifierTypes.ANONYMOUS_ID,
                    "device_id", IdentifierTypes.DEVICE_ID,
                    "personalize_uid", IdentifierTypes.PERSONALIZE_UID);

    private final IdentifierNormalizer normalizer;

    /** An extractor that normalises with the given normaliser. */
    public IdentifierExtractor(IdentifierNormalizer normalizer) {
        this.normalizer = normalizer;
    }

    /** What a message yields: its identifiers and what was refused, for the dead-letter detail. */
    public record Extracted(
            List<Identifier> identifiers, String previousId, List<String> refused) {}

    /** Extracts the identifiers of one message of the given (valid) type. */
    public Extracted extract(String type, JsonNode message) {
        Collector collector = new Collector();
        collector.add(IdentifierTypes.USER_ID, "userId", message.get("userId"));
        collector.add(IdentifierTypes.ANONYMOUS_ID, "anonymousId", message.get("anonymousId"));
        JsonNode context = message.path("context");
        JsonNode traits = "identify".equals(type) ? message.path("traits") : context.path("traits");
        String traitsPath = "identify".equals(type) ? "traits" : "context.traits";
        collector.add(IdentifierTypes.EMAIL, traitsPath + ".email", traits.get("email"));
        collector.add(IdentifierTypes.PHONE, traitsPath + ".phone", traits.get("phone"));
        if ("identify".equals(type)) {
            collector.add(
                    IdentifierTypes.EMAIL,
                    "context.traits.email",
                    context.path("traits").get("email"));
            collector.add(
                    IdentifierTypes.PHONE,
                    "context.traits.phone",
                    context.path("traits").get("phone"));
        }
        collector.add(
                IdentifierTypes.DEVICE_ID, "context.device.id", context.path("device").get("id"));
        collector.add(
                IdentifierTypes.PERSONALIZE_UID,
                "context.personalize.userUid",
                context.path("personalize").get("userUid"));
        JsonNode externalIds = context.get("externalIds");
        if (externalIds != null && externalIds.isArray()) {
            for (int i = 0; i < externalIds.size(); i++) {
                JsonNode item = externalIds.get(i);
                JsonNode typeNode = item.get("type");
                String path = "context.externalIds[" + i + "]";
                if (typeNode == null || !typeNode.isTextual() || typeNode.asText().isBlank()) {
                    collector.refused.add(path + " has no type");
                    continue;
                }
                String unusableType = normalizer.unusable(typeNode.asText());
                if (unusableType != null) {
                    collector.refused.add(path + ".type " + unusableType);
                    continue;
                }
                String externalType = typeNode.asText().trim().toLowerCase(Locale.ROOT);
                collector.add(
                        BUILT_IN_ALIASES.getOrDefault(externalType, externalType),
                        path + ".id",
                        item.get("id"));
            }
        }
        String previousId = null;
        if ("alias".equals(type)) {
            previousId =
                    collector.normalized(
                            IdentifierTypes.ANONYMOUS_ID, "previousId", message.get("previousId"));
        }
        List<Identifier> identifiers = new ArrayList<>(collector.identifiers);
        identifiers.sort(Comparator.comparingInt(id -> IdentifierTypes.priority(id.type())));
        return new Extracted(List.copyOf(identifiers), previousId, List.copyOf(collector.refused));
    }

    private final class Collector {
        final Set<Identifier> identifiers = new LinkedHashSet<>();
        final List<String> refused = new ArrayList<>();

        void add(String type, String path, JsonNode node) {
            String value = normalized(type, path, node);
            if (value != null) {
                identifiers.add(new Identifier(type, value));
            }
        }

        String normalized(String type, String path, JsonNode node) {
            if (node == null || node.isNull() || node.isMissingNode()) {
                return null;
            }
            if (!node.isTextual() && !node.isIntegralNumber()) {
                refused.add(
                        path
                                + " is not a string ("
                                + node.getNodeType().name().toLowerCase(Locale.ROOT)
                                + ")");
                return null;
            }
            String value = normalizer.normalize(type, node.asText());
            if (value == null) {
                // the reason, asked on this path only (normalize checked usability already)
                String unusable = normalizer.unusable(node.asText());
                if (unusable != null) {
                    refused.add(path + " " + unusable);
                    return null;
                }
                refused.add(path + " is blocked or not a valid " + type);
            }
            return value;
        }
    }
}
