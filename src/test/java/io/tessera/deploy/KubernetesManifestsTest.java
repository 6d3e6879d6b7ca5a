package io.tessera.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.ConfigArguments;
import io.tessera.TesseraConfig;
import io.tessera.definitions.DefinitionValidator;
import io.tessera.profileapi.ProfileApi;
import io.tessera.profileapi.ProfileApiSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifests in {@code k8s/} are what the Flink Kubernetes Operator accepts: every resource and
 * every overlay's patch against the operator's CRD schemas (src/test/resources/crds), the
 * kustomizations name files that exist, and the job arguments are valid Tessera options.
 */
class KubernetesManifestsTest {
    private static final Path K8S = Path.of("k8s");
    private static final Path CRDS = Path.of("src/test/resources/crds");
    private static final String CONFIG_MOUNT = "/opt/tessera/config/";
    private static final Map<String, String> CORE_KINDS =
            Map.of(
                    "Deployment",
                    "apps/v1",
                    "Service",
                    "v1",
                    "PersistentVolumeClaim",
                    "v1",
                    "ConfigMap",
                    "v1");

    private static Map<String, CrdSchema> schemas() throws IOException {
        CrdSchema deployment =
                CrdSchema.load(CRDS.resolve("flinkdeployments.flink.apache.org-v1.yml"));
        CrdSchema sessionJob =
                CrdSchema.load(CRDS.resolve("flinksessionjobs.flink.apache.org-v1.yml"));
        return Map.of(deployment.kind(), deployment, sessionJob.kind(), sessionJob);
    }

    @Test
    void everyResourceAndPatchMatchesTheOperatorsSchema() throws IOException {
        Map<String, CrdSchema> schemas = schemas();
        List<Path> checked = new ArrayList<>();
        for (Path kustomization : kustomizations()) {
            JsonNode k = CrdSchema.YAML.readTree(kustomization.toFile());
            for (JsonNode resource : k.path("resources")) {
                Path file = kustomization.getParent().resolve(resource.asText()).normalize();
                if (Files.isDirectory(file)) {
                    assertTrue(Files.exists(file.resolve("kustomization.yaml")), file.toString());
                    continue;
                }
                assertValid(schemas, file, false);
                checked.add(file);
            }
            for (JsonNode patch : k.path("patches")) {
                Path file = kustomization.getParent().resolve(patch.path("path").asText());
                assertValid(schemas, file, true);
                checked.add(file);
            }
        }
        assertEquals(11, checked.size(), "resources and patches checked: " + checked);
    }

    @Test
    void aTypoOrAnUnknownValueFails() throws IOException {
        Map<String, CrdSchema> schemas = schemas();
        ObjectNode deployment =
                (ObjectNode)
                        CrdSchema.YAML.readTree(K8S.resolve("base/flink-deployment.yaml").toFile());
        ((ObjectNode) deployment.path("spec").path("job")).put("upgradMode", "savepoint");
        ((ObjectNode) deployment.path("spec")).put("flinkVersion", "v2_9");
        ((ObjectNode) deployment.path("spec").path("taskManager").path("resource"))
                .put("cpu", "two");

        List<String> problems = schemas.get("FlinkDeployment").problems(deployment, false);

        assertEquals(3, problems.size(), problems.toString());
        assertTrue(
                problems.get(0).startsWith(".spec.flinkVersion: \"v2_9\" is not one of"),
                problems.get(0));
        assertTrue(problems.contains(".spec.job.upgradMode: unknown field"), problems.toString());
        assertTrue(
                problems.contains(
                        ".spec.taskManager.resource.cpu: expected a number, got STRING \"two\""),
                problems.toString());
    }

    @Test
    void theApplicationDeploymentUpgradesThroughSavepointsWithTheJarOfTheImage()
            throws IOException {
        JsonNode spec =
                CrdSchema.YAML
                        .readTree(K8S.resolve("base/flink-deployment.yaml").toFile())
                        .path("spec");
        assertEquals("v2_2", spec.path("flinkVersion").asText());
        assertEquals("savepoint", spec.path("job").path("upgradeMode").asText());
        assertEquals("io.tessera.TesseraJob", spec.path("job").path("entryClass").asText());
        assertEquals(
                "kubernetes",
                spec.path("flinkConfiguration").path("high-availability.type").asText());
        assertEquals(
                "true",
                spec.path("podTemplate")
                        .path("metadata")
                        .path("annotations")
                        .path("prometheus.io/scrape")
                        .asText());

        String jar = spec.path("job").path("jarURI").asText();
        assertTrue(jar.startsWith("local:///opt/flink/usrlib/"), jar);
        String dockerfile = Files.readString(K8S.resolve("Dockerfile"));
        assertTrue(dockerfile.contains("\nFROM flink:2.2"), "the official Flink 2.2 image");
        assertTrue(dockerfile.contains("-java17"), "on Java 17");
        assertTrue(
                dockerfile.contains(jar.substring("local://".length())), "the image holds " + jar);
    }

    @Test
    void theJobArgumentsOfEveryManifestAreValidOptions(@TempDir Path mounted) throws IOException {
        JsonNode configMap =
                CrdSchema.YAML.readTree(K8S.resolve("config/tessera-config.yaml").toFile());
        configMap
                .path("data")
                .fields()
                .forEachRemaining(
                        file -> {
                            try {
                                Files.writeString(
                                        mounted.resolve(file.getKey()), file.getValue().asText());
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        });
        assertEquals(
                List.of(),
                DefinitionValidator.validate(
                        CrdSchema.YAML.readTree(mounted.resolve("definitions.json").toFile())),
                "the ConfigMap's definitions are valid");
        for (Path file :
                List.of(
                        K8S.resolve("base/flink-deployment.yaml"),
                        K8S.resolve("overlays/staging/flink-deployment.yaml"),
                        K8S.resolve("overlays/prod/flink-deployment.yaml"),
                        K8S.resolve("session/flink-session-job.yaml"))) {
            List<String> args = new ArrayList<>();
            CrdSchema.YAML
                    .readTree(file.toFile())
                    .path("spec")
                    .path("job")
                    .path("args")
                    .forEach(arg -> args.add(arg.asText()));
            assertTrue(!args.isEmpty(), file + " has job args");
            // the files of the ConfigMap, where the pods mount it
            args.replaceAll(arg -> arg.replace(CONFIG_MOUNT, mounted.toString() + "/"));
            TesseraConfig config =
                    TesseraConfig.from(ConfigArguments.parse(args.toArray(new String[0])));
            assertTrue(config.kafka().bootstrapServers().contains(":9092"), file.toString());
            assertTrue(config.activation().enabled(), file + ": activation is configured");
            assertTrue(config.profile().definitions() != null, file + ": definitions are loaded");
        }
    }

    @Test
    void theProfileApiRunsItsMainWithValidOptionsInEveryManifest() throws Exception {
        JsonNode base =
                CrdSchema.YAML.readTree(K8S.resolve("base/profile-api-deployment.yaml").toFile());
        JsonNode container = base.at("/spec/template/spec/containers/0");
        List<String> command = new ArrayList<>();
        container.path("command").forEach(c -> command.add(c.asText()));
        String main = command.get(command.size() - 1);
        assertEquals(ProfileApi.class.getName(), main);
        assertTrue(
                command.contains("/opt/flink/lib/*:/opt/flink/usrlib/tessera.jar"),
                command.toString());
        for (Path file :
                List.of(
                        K8S.resolve("base/profile-api-deployment.yaml"),
                        K8S.resolve("overlays/staging/profile-api-deployment.yaml"),
                        K8S.resolve("overlays/prod/profile-api-deployment.yaml"))) {
            List<String> args = new ArrayList<>();
            CrdSchema.YAML
                    .readTree(file.toFile())
                    .at("/spec/template/spec/containers/0/args")
                    .forEach(arg -> args.add(arg.asText()));
            var options = ConfigArguments.parse(args.toArray(new String[0]));
            TesseraConfig config = TesseraConfig.from(options);
            ProfileApiSettings settings = ProfileApiSettings.from(options, Map.of());
            assertTrue(config.kafka().bootstrapServers().contains(":9092"), file.toString());
            assertTrue(
                    settings.storeDir()
                            .startsWith(container.at("/volumeMounts/0/mountPath").asText()),
                    file + ": the store is on the volume");
        }
    }

    private static void assertValid(Map<String, CrdSchema> schemas, Path file, boolean partial)
            throws IOException {
        JsonNode resource = CrdSchema.YAML.readTree(file.toFile());
        String kind = resource.path("kind").asText();
        if (CORE_KINDS.containsKey(kind)) {
            // Kubernetes' own kinds (the profile API): no CRD here, so their version and name
            assertEquals(
                    CORE_KINDS.get(kind), resource.path("apiVersion").asText(), file.toString());
            assertTrue(resource.at("/metadata/name").isTextual(), file + " has a name");
            return;
        }
        CrdSchema schema = schemas.get(kind);
        assertTrue(schema != null, file + ": no schema for kind " + resource.path("kind"));
        assertEquals(List.of(), schema.problems(resource, partial), file.toString());
    }

    private static List<Path> kustomizations() throws IOException {
        try (Stream<Path> files = Files.walk(K8S)) {
            return files.filter(f -> f.getFileName().toString().equals("kustomization.yaml"))
                    .sorted()
                    .toList();
        }
    }
}
