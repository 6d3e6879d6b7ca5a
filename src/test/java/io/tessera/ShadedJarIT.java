package io.tessera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The job jar users submit with {@code flink run}: runnable, with the connectors it needs, and
 * without Flink itself (the cluster has it), the test broker, the launcher's tools or tests.
 */
class ShadedJarIT {
    private static final Path JAR = Path.of(System.getProperty("tessera.jar", "missing"));

    @Test
    void namesTheJobAsItsMainClass() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertEquals(
                    TesseraJob.class.getName(),
                    jar.getManifest().getMainAttributes().getValue("Main-Class"));
        }
    }

    @Test
    void bundlesTheConnectorsAndLibrariesTheClusterLacks() throws Exception {
        Set<String> entries = entries();
        for (String needed :
                List.of(
                        "io/tessera/TesseraJob.class",
                        "org/apache/flink/connector/kafka/source/KafkaSource.class",
                        "org/apache/kafka/clients/consumer/KafkaConsumer.class",
                        "org/apache/flink/cep/CEP.class",
                        "com/fasterxml/jackson/databind/ObjectMapper.class",
                        "com/google/i18n/phonenumbers/PhoneNumberUtil.class")) {
            assertTrue(entries.contains(needed), needed);
        }
    }

    @Test
    void leavesOutFlinkItselfTheBrokerToolsAndTests() throws Exception {
        for (String entry : entries()) {
            for (String forbidden :
                    List.of(
                            "org/apache/flink/streaming/api/environment/",
                            "org/apache/flink/runtime/",
                            "org/apache/flink/shaded/",
                            "kafka/server/",
                            "org/apache/kafka/common/test/",
                            "scala/",
                            "org/junit/",
                            "io/tessera/tools/",
                            "org/apache/logging/log4j/")) {
                assertTrue(!entry.startsWith(forbidden), entry);
            }
            assertTrue(!entry.endsWith("ITCase.class") && !entry.endsWith("Test.class"), entry);
        }
    }

    private static Set<String> entries() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "the shaded jar exists: " + JAR);
        try (JarFile jar = new JarFile(JAR.toFile())) {
            return Set.copyOf(jar.stream().map(ZipEntry::getName).toList());
        }
    }
}
