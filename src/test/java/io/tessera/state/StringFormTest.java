package io.tessera.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * Strings in the compact forms: the exact form reads back every string (lone surrogates too), the
 * UTF-8 form every string UTF-8 can encode, null reads back as null, and a length no string can
 * have is refused.
 */
class StringFormTest {
    @Property(tries = 500)
    void theExactFormReadsBackEveryString(@ForAll("anyChars") String value) throws IOException {
        assertEquals(value, roundTrip(StringForm.EXACT, value));
    }

    @Property(tries = 300)
    void theUtf8FormReadsBackWhatUtf8CanEncode(@ForAll("anyChars") String value)
            throws IOException {
        if (!StringForm.hasLoneSurrogate(value)) {
            assertEquals(value, roundTrip(StringForm.UTF8, value));
        }
    }

    @Test
    void loneSurrogatesAreFound() throws IOException {
        assertTrue(StringForm.hasLoneSurrogate("a\ud800b"));
        assertTrue(StringForm.hasLoneSurrogate("\udc00"));
        assertTrue(StringForm.hasLoneSurrogate("x\ud83d"));
        assertFalse(StringForm.hasLoneSurrogate("clef \ud834\udd1e ü"));
        assertEquals("a?b", roundTrip(StringForm.UTF8, "a\ud800b"), "UTF-8 has no lone surrogate");
        assertEquals("a\ud800b", roundTrip(StringForm.EXACT, "a\ud800b"));
    }

    @Test
    void nullReadsBackAsNull() throws IOException {
        for (StringForm form : StringForm.values()) {
            assertNull(roundTrip(form, null));
        }
    }

    @Test
    void anImpossibleLengthIsRefused() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(16);
        Varints.writeLong(-3, out);
        for (StringForm form : StringForm.values()) {
            IOException refused =
                    assertThrows(
                            IOException.class,
                            () -> form.read(new DataInputDeserializer(out.getCopyOfBuffer())));
            assertEquals("a string's form holds a length of -3", refused.getMessage());
        }
    }

    private static String roundTrip(StringForm form, String value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        form.write(value, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        String read = form.read(in);
        assertEquals(0, in.available(), "the whole form is read");
        return read;
    }

    @Provide
    Arbitrary<String> anyChars() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(30),
                Arbitraries.strings().withChars('a', 'é', '\ud800', '\udc00', '€').ofMaxLength(12),
                Arbitraries.strings().ascii().ofMaxLength(700));
    }
}
