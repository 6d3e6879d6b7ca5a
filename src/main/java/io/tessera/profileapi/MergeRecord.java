package io.tessera.profileapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Reads a record of the alias log {@code cdp.profile-merges}: {@code {loser, winner, ...}}. */
final class MergeRecord {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MergeRecord() {}

    /**
     * The profile the loser was merged into.
     *
     * @throws IOException when the record is not JSON or names no winner
     */
    static String winner(byte[] value) throws IOException {
        JsonNode root = JSON.readTree(value);
        JsonNode winner = root == null ? null : root.get("winner");
        if (winner == null || !winner.isTextual()) {
            throw new IOException("a merge record must name its winner");
        }
        return winner.asText();
    }
}
