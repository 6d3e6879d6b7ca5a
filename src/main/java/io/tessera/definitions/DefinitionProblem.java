package io.tessera.definitions;

/**
 * One thing wrong with a definition.
 *
 * @param path where, as a JSON path, e.g. {@code $[2].window.size}
 * @param message what, for a person
 */
public record DefinitionProblem(String path, String message) {
    @Override
    public String toString() {
        return path + ": " + message;
    }
}
