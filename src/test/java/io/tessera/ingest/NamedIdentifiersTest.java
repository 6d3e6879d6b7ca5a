package io.tessera.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.model.Identifier;
import java.util.List;
import org.junit.jupiter.api.Test;

class NamedIdentifiersTest {
    private static final long FRESH = 1_000;
    private static final Identifier A = new Identifier("anonymous_id", "a1");
    private static final Identifier D = new Identifier("device_id", "d1");
    private static final Identifier U = new Identifier("user_id", "u1");

    @Test
    void anEventIsNamedWhenEveryIdentifierWasNamedInAFreshList() {
        long[] named = NamedIdentifiers.after(null, List.of(A, D), 10, FRESH);
        assertFalse(NamedIdentifiers.allNamed(null, List.of(A), 10, FRESH), "nothing named");
        assertTrue(NamedIdentifiers.allNamed(named, List.of(D, A), 20, FRESH));
        assertTrue(NamedIdentifiers.allNamed(named, List.of(A), 20, FRESH));
        assertFalse(NamedIdentifiers.allNamed(named, List.of(A, U), 20, FRESH), "u1 is new");
        assertFalse(NamedIdentifiers.allNamed(named, List.of(), 20, FRESH), "no identifier");
        assertFalse(NamedIdentifiers.allNamed(named, List.of(A), 10 + FRESH, FRESH), "stale");
    }

    @Test
    void theListKeepsWhenItBeganAndStartsAgainOnceStale() {
        long[] named = NamedIdentifiers.after(null, List.of(A, D), 10, FRESH);
        assertSame(named, NamedIdentifiers.after(named, List.of(D), 500, FRESH), "nothing new");
        long[] grown = NamedIdentifiers.after(named, List.of(U), 500, FRESH);
        assertEquals(10, grown[0], "a new identifier keeps when the list began");
        assertEquals(3, NamedIdentifiers.digests(grown).length);
        long[] again = NamedIdentifiers.after(grown, List.of(U), 10 + FRESH, FRESH);
        assertEquals(10 + FRESH, again[0]);
        assertArrayEquals(new long[] {NamedIdentifiers.digest(U)}, NamedIdentifiers.digests(again));
    }

    @Test
    void theLatestSixteenAreKept() {
        long[] named = null;
        for (int i = 0; i < NamedIdentifiers.KEPT + 4; i++) {
            named =
                    NamedIdentifiers.after(
                            named, List.of(new Identifier("email", i + "@x.io")), 1, FRESH);
        }
        assertEquals(NamedIdentifiers.KEPT, NamedIdentifiers.digests(named).length);
        assertFalse(
                NamedIdentifiers.allNamed(
                        named, List.of(new Identifier("email", "3@x.io")), 2, FRESH));
        assertTrue(
                NamedIdentifiers.allNamed(
                        named, List.of(new Identifier("email", "4@x.io")), 2, FRESH));
    }
}
