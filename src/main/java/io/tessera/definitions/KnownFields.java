package io.tessera.definitions;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Refuses the fields a definition's object does not know: a typo such as {@code "windw"} would
 * otherwise be ignored and silently change what the definition means (a windowed trait read as a
 * lifetime one). The problem names the field's path and the closest known field.
 */
final class KnownFields {
    private KnownFields() {}

    /** Adds a problem for each field of {@code object} not in {@code known}. */
    static void check(
            JsonNode object, String path, Set<String> known, List<DefinitionProblem> out) {
        if (object == null || !object.isObject()) {
            return;
        }
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                String closest = closest(name, known);
                out.add(
                        new DefinitionProblem(
                                path + "." + name,
                                "unknown field '"
                                        + name
                                        + "'"
                                        + (closest != null
                                                ? " (did you mean '" + closest + "'?)"
                                                : "; known here: "
                                                        + String.join(
                                                                ", ", new TreeSet<>(known)))));
            }
        }
    }

    /** The known name within a few edits of {@code name} (the closest), or null. */
    static String closest(String name, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : new TreeSet<>(known)) {
            int distance = distance(name.toLowerCase(), candidate.toLowerCase());
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        int allowed = Math.max(1, Math.min(3, name.length() / 3));
        return bestDistance <= allowed ? best : null;
    }

    /** Edits between two names: insertions, deletions, substitutions and swaps of neighbours. */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
                if (i > 1
                        && j > 1
                        && a.charAt(i - 1) == b.charAt(j - 2)
                        && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
