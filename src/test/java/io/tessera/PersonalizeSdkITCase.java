package io.tessera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.simulator.PersonalizeSimulator;
import io.tessera.simulator.SimulatorConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The official Personalize Edge SDK ({@code @contentstack/personalize-edge-sdk} 1.0.27, on Node.js)
 * works against the simulator unchanged: attributes, events, the merge of {@code setUserId} with
 * preserved attributes, and the manifest with live attributes. The SDK is installed from the npm
 * registry into {@code target/personalize-sdk} with its lockfile on the first run.
 */
class PersonalizeSdkITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SOURCES = Path.of("src/test/resources/personalize-sdk");
    private static final Path INSTALL = Path.of("target/personalize-sdk");

    @Test
    @Timeout(300)
    void theOfficialSdkWorksAgainstTheSimulator() throws Exception {
        Assumptions.assumeTrue(
                runs("node", "--version") && runs("npm", "--version"),
                "Node.js and npm are needed to run the official SDK");
        installSdk();
        try (PersonalizeSimulator simulator =
                PersonalizeSimulator.start(
                        SimulatorConfig.load(Path.of("examples/personalize-simulator.json")), 0)) {
            String output =
                    run(
                            INSTALL,
                            "node",
                            "smoke.js",
                            simulator.url(),
                            simulator.config().projectUid());
            JsonNode seen = JSON.readTree(output.lines().reduce((a, b) -> b).orElseThrow());

            List<String> calls =
                    simulator.calls().stream()
                            .map(c -> c.method() + " " + c.path() + " " + c.status())
                            .toList();
            assertEquals(
                    List.of(
                            "GET /manifest 200",
                            "PATCH /user-attributes 204",
                            "POST /events 202",
                            "POST /user-attributes/actions/merge 204",
                            "GET /manifest 200"),
                    calls);
            assertEquals(
                    "text/plain;charset=UTF-8",
                    simulator.calls().get(1).headers().get("content-type"),
                    "the SDK's body content type, parsed all the same");
            assertEquals(
                    "{cdp_aud_cart_abandoner_30m=true, cdp_orders=0}",
                    simulator.attributes("sdk-user-1").toString(),
                    "setUserId with preserved attributes merged them into the user");
            assertEquals(List.of("purchase"), simulator.events("sdk-anon-1"));
            assertEquals("sdk-user-1", seen.path("knownUserId").asText());
            assertEquals(
                    "[{\"shortUid\":\"a\",\"activeVariantShortUid\":\"1\"},"
                            + "{\"shortUid\":\"b\",\"activeVariantShortUid\":\"1\"}]",
                    seen.path("knownExperiences").toString(),
                    "cart reminder from the stored attribute, VIP hero from the live one");
            assertEquals(
                    "[\"cs_personalize_a_1\",\"cs_personalize_b_1\"]",
                    seen.path("knownVariantAliases").toString());
            assertTrue(
                    seen.path("anonymousExperiences").toString().contains("null"),
                    "nothing targeted the anonymous visitor before its attributes were set");
        }
    }

    /** Installs the pinned SDK (npm ci with the lockfile) unless it is there already. */
    private static void installSdk() throws Exception {
        Files.createDirectories(INSTALL);
        for (String file : List.of("package.json", "package-lock.json", "smoke.js")) {
            Files.copy(
                    SOURCES.resolve(file),
                    INSTALL.resolve(file),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(
                INSTALL.resolve("node_modules/@contentstack/personalize-edge-sdk"))) {
            run(INSTALL, "npm", "ci", "--no-audit", "--no-fund");
        }
    }

    private static boolean runs(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false; // not installed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String run(Path dir, String... command) throws Exception {
        Process process =
                new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " hung");
        assertEquals(0, process.exitValue(), String.join(" ", command) + " failed:\n" + output);
        return output;
    }
}
