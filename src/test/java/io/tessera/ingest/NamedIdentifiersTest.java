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

    @Test
    void anEventIsNamedWhenEveryIdentifierWasSeenBefore() {
        long[] named = NamedIdentifiers.after(null, List.of(A1));
        assertTrue(NamedIdentifiers.allNamed(named, List.of(A1)));
        assertFalse(NamedIdentifiers.allNamed(named, List.of(A1, D1)));
        assertFalse(NamedIdentifiers.allNamed(null, List.of(A1)), "nothing named yet");
        assertFalse(NamedIdentifiers.allNamed(named, List.of()), "an event of no identifier");
        assertSame(named, NamedIdentifiers.after(named, List.of(A1)), "nothing new: unchanged");
    }

    @Test
    void theTypeIsPartOfWhatIsNamed() {
        long[] named = NamedIdentifiers.after(null, List.of(new Identifier("user_id", "x")));
        assertFalse(NamedIdentifiers.allNamed(named, List.of(new Identifier("email", "x"))));
    }

    @Test
    void aKeyKeepsTheLatestIdentifiersItNamed() {
        long[] named = null;
        for (int i = 0; i < NamedIdentifiers.KEPT + 4; i++) {
            named = NamedIdentifiers.after(named, List.of(new Identifier("user_id", "u" + i)));
        }
        assertEquals(NamedIdentifiers.KEPT, named.length);
        assertFalse(NamedIdentifiers.allNamed(named, List.of(new Identifier("user_id", "u0"))));
        assertTrue(
                NamedIdentifiers.allNamed(
                        named,
                        List.of(new Identifier("user_id", "u" + (NamedIdentifiers.KEPT + 3)))));
    }
}
