package io.tessera.traits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * An event's fields read through the paths learned from the events before ({@link
 * MessageProjection.Learned}, one pass over the message for all of them) are the fields read off
 * the whole message as a tree.
 */
class EventFieldsTest {
    private static final List<String> PATHS =
            List.of(
                    "event.properties.product_id",
                    "event.properties",
                    "event.properties.price",
                    "event.properties.x.y",
                    "event.context.price",
                    "event.traits",
                    "event.name",
                    "event.properties.",
                    "event.properties..price",
                    "event.other.x.y.z",
                    "event.");

    @Property(tries = 500)
    void theLearnedPathsReadWhatTheWholeMessageHolds(
            @ForAll("messages") List<String> messages, @ForAll("reads") List<List<String>> reads) {
        MessageProjection.Learned learned = new MessageProjection.Learned();
        for (int i = 0; i < messages.size(); i++) {
            CustomerEvent event = event(messages.get(i));
            EventFields whole = new EventFields(event);
            EventFields projected = new EventFields(event, learned);
            for (String path : reads.get(i % reads.size())) {
                assertEquals(whole.get(path), projected.get(path), path + " of " + messages.get(i));
            }
        }
    }

    /**
     * Several readers of one task read each event one after the other (the profile stage, then the
     * sequences), each for its own paths, some of its messages a copy of the text the one before
     * read: the thread's last message read serves what it was read for, and every read still finds
     * what the whole message holds.
     */
    @Property(tries = 500)
    void readersOfOneThreadInTurnReadWhatTheWholeMessageHolds(
            @ForAll("messages") List<String> messages,
            @ForAll("reads") List<List<String>> reads,
            @ForAll("readers") List<Integer> readers) {
        List<MessageProjection.Learned> learned =
                List.of(
                        new MessageProjection.Learned(),
                        new MessageProjection.Learned(),
                        new MessageProjection.Learned());
        int turn = 0;
        for (int i = 0; i < messages.size(); i++) {
            // the same text, now and then as another instance, as a task that decodes it again
            String text = i % 3 == 2 ? new String(messages.get(i)) : messages.get(i);
            CustomerEvent event = event(text);
            EventFields whole = new EventFields(event);
            for (int reader : readers) {
                EventFields projected = new EventFields(event, learned.get(reader));
                for (String path : reads.get(turn++ % reads.size())) {
                    assertEquals(
                            whole.get(path),
                            projected.get(path),
                            path + " of " + text + " by reader " + reader);
                }
            }
        }
    }

    @Provide
    Arbitrary<List<Integer>> readers() {
        return Arbitraries.integers().between(0, 2).list().ofMinSize(1).ofMaxSize(4);
    }

    @Test
    void pathsPastTheMostLearnedReadTheMessageWhole() {
        MessageProjection.Learned learned = new MessageProjection.Learned();
        EventFields filler = new EventFields(event("{\"properties\":{}}"), learned);
        for (int i = 0; i < MessageProjection.Learned.MOST; i++) {
            assertNull(filler.get("event.properties.p" + i));
        }
        EventFields fields =
                new EventFields(event("{\"properties\":{\"price\":3},\"a\":{\"b\":1}}"), learned);
        assertEquals(3, fields.get("event.properties.price").asInt());
        assertEquals(1, fields.get("event.a.b").asInt());
        assertNull(fields.get("event.properties.p0"));
    }

    private static CustomerEvent event(String message) {
        return new CustomerEvent(
                "m1",
                "track",
                "Product Viewed",
                1_700_000_000_000L,
                List.of(new Identifier("user_id", "u1")),
                null,
                message,
                CustomerEvent.DEFAULT_TENANT);
    }

    @Provide
    Arbitrary<List<List<String>>> reads() {
        return Arbitraries.of(PATHS).list().ofMaxSize(5).list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<String>> messages() {
        Arbitrary<String> scalars =
                Arbitraries.of("1", "60", "\"p1\"", "null", "true", "[1,{\"price\":2}]", "{}");
        Arbitrary<String> keys = Arbitraries.of("product_id", "price", "x", "y", "", "name");
        Arbitrary<String> inner = object(keys, scalars, 3);
        Arbitrary<String> objects = object(keys, Arbitraries.oneOf(scalars, inner), 4);
        Arbitrary<String> tops = Arbitraries.of("properties", "context", "traits", "other");
        return object(tops, Arbitraries.oneOf(objects, scalars), 4)
                .list()
                .ofMinSize(1)
                .ofMaxSize(6);
    }

    /** JSON objects of up to that many fields, names given twice included. */
    private static Arbitrary<String> object(
            Arbitrary<String> names, Arbitrary<String> values, int most) {
        return Combinators.combine(names, values)
                .as((k, v) -> "\"" + k + "\":" + v)
                .list()
                .ofMaxSize(most)
                .map(list -> "{" + String.join(",", list) + "}");
    }
}
