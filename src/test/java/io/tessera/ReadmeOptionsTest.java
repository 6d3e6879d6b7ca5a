package io.tessera;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README documents every option the job accepts. */
class ReadmeOptionsTest {
    @Test
    void listsEveryOption() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        TesseraConfig.allOptions()
                .forEach(
                        option ->
                                assertTrue(
                                        readme.contains("`" + option.key() + "`"),
                                        option.key() + " is missing from the README"));
    }
}
