package io.tessera.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.model.Identifier;
import java.util.List;
import org.junit.jupiter.api.Test;

class NamedIdentifiersTest {
    private static final Identifier A1 = new Identifier("anonymous_id", "a1");
    private static final Identifier D1 = new Identifier("device_id", "d1");
    private static final long SETTLED = NamedIdentifiers.SETTLED.toMillis();

    @Test
    void anEventIsNamedWhenEveryIdentifierWasSeenBeforeAndHasSettled() {
        long[] named = NamedIdentifiers.after(null, List.of(A1), 1_000);
        assertFalse(
                NamedIdentifiers.allNamed(named, List.of(A1), 1_000 + SETTLED - 1),
                "its merges may still be under way");
        assertTrue(NamedIdentifiers.allNamed(named, List.of(A1), 1_000 + SETTLED));
        assertFalse(NamedIdentifiers.allNamed(named, List.of(A1, D1), 1_000 + SETTLED));
        assertFalse(NamedIdentifiers.allNamed(null, List.of(A1), SETTLED), "nothing named yet");
        assertFalse(NamedIdentifiers.allNamed(named, List.of(), 1_000 + SETTLED), "no identifier");
        assertSame(
                named, NamedIdentifiers.after(named, List.of(A1), 9_000), "nothing new: unchanged");
    }

    @Test
    void aNewIdentifierStartsTheWaitAgain() {
        long[] named = NamedIdentifiers.after(null, List.of(A1), 1_000);
        named = NamedIdentifiers.after(named, List.of(A1, D1), 5_000);
        assertFalse(NamedIdentifiers.allNamed(named, List.of(A1), 5_000 + SETTLED - 1));
        assertTrue(NamedIdentifiers.allNamed(named, List.of(D1, A1), 5_000 + SETTLED));
    }

    @Test
    void theTypeIsPartOfWhatIsNamed() {
        long[] named = NamedIdentifiers.after(null, List.of(new Identifier("user_id", "x")), 0);
        assertFalse(
                NamedIdentifiers.allNamed(
                        named, List.of(new Identifier("email", "x")), 2 * SETTLED));
    }

    @Test
    void aKeyKeepsTheLatestIdentifiersItNamed() {
        long[] named = null;
        for (int i = 0; i < NamedIdentifiers.KEPT + 4; i++) {
            named = NamedIdentifiers.after(named, List.of(new Identifier("user_id", "u" + i)), i);
        }
        assertEquals(NamedIdentifiers.KEPT, NamedIdentifiers.digests(named).length);
        long later = NamedIdentifiers.KEPT + 4 + SETTLED;
        assertFalse(
                NamedIdentifiers.allNamed(named, List.of(new Identifier("user_id", "u0")), later));
        assertTrue(
                NamedIdentifiers.allNamed(
                        named,
                        List.of(new Identifier("user_id", "u" + (NamedIdentifiers.KEPT + 3))),
                        later));
    }
}
