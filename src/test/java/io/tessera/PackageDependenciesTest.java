package io.tessera;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packages every stage shares stay leaves: they import no other package of the job, so no stage
 * reaches another through them (style.md, one package per stage).
 */
class PackageDependenciesTest {
    private static final Path SOURCES = Path.of("src/main/java/io/tessera");
    private static final Pattern IMPORT =
            Pattern.compile("^import (?:static )?io\\.tessera\\.([a-z]+)\\.", Pattern.MULTILINE);

    @ParameterizedTest(name = "{0} is a leaf")
    @ValueSource(strings = {"config", "model", "state"})
    void sharedPackagesImportNoOtherPackageOfTheJob(String leaf) throws IOException {
        Set<String> imported = new TreeSet<>();
        try (Stream<Path> files = Files.list(SOURCES.resolve(leaf))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(1).equals(leaf)) {
                        imported.add(m.group(1) + " (in " + file.getFileName() + ")");
                    }
                }
            }
        }
        assertEquals(Set.of(), imported);
    }
}
