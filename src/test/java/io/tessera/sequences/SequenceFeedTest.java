package io.tessera.sequences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.identity.ResolvedEvent;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.junit.jupiter.api.Test;

/**
 * The events reduced before they cross to the sequences' operators ({@link SequenceFeed}) reach
 * each CEP operator exactly as the whole events did, and end the same memberships.
 */
class SequenceFeedTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<String> NAMES =
            List.of("Product Viewed", "Product Added", "Order Completed", "Signed Up");

    /** Sequences that read names, properties (through refs and under a not), and an exit. */
    private static final List<SequenceDefinition> SEQUENCES =
            List.of(
                    sequence(
                            "repeat",
                            """
                            [{"name":"first","match":{"field":"event.name","op":"eq","value":"Product Viewed"}},
                             {"name":"again","match":{"all":[
                               {"field":"event.name","op":"eq","value":"Product Viewed"},
                               {"field":"event.properties.product_id","op":"eq",
                                "ref":"step:first.properties.product_id"}]}}]\
                            """,
                            null),
                    sequence(
                            "cheap_add",
                            """
                            [{"name":"add","match":{"all":[
                               {"field":"event.name","op":"eq","value":"Product Added"},
                               {"not":{"field":"event.properties.price","op":"gt","value":50}}]}},
                             {"name":"order","absent":true,
                              "match":{"field":"event.name","op":"eq","value":"Order Completed"}}]\
                            """,
                            """
                            {"field":"event.context.campaign.name","op":"eq","value":"stop"}\
                            """),
                    sequence(
                            "names",
                            """
                            [{"name":"up","match":{"field":"event.name","op":"eq","value":"Signed Up"}},
                             {"name":"add","match":{"field":"event.name","op":"eq","value":"Product Added"}}]\
                            """,
                            """
                            {"field":"event.name","op":"eq","value":"Order Completed"}\
                            """));

    @Property(tries = 500)
    void eachSequenceReadsTheSameEventsAsWholeOnes(
            @ForAll("events") ResolvedEvent whole, @ForAll boolean everyEvent) throws Exception {
        List<ResolvedEvent> fed = new ArrayList<>();
        feed(everyEvent).flatMap(whole, new ListCollector<>(fed));
        if (everyEvent) {
            assertEquals(1, fed.size(), "every event goes on where they are counted");
        }
        assertTrue(fed.size() <= 1);
        SequenceEventProjection most = SequenceFeed.reducedTo(SEQUENCES);

        for (SequenceDefinition sequence : SEQUENCES) {
            List<ResolvedEvent> expected = new ArrayList<>();
            new SequenceEvents(sequence).flatMap(whole, new ListCollector<>(expected));
            List<ResolvedEvent> actual = new ArrayList<>();
            for (ResolvedEvent event : fed) {
                new SequenceEvents(sequence, most).flatMap(event, new ListCollector<>(actual));
            }
            assertEquals(expected.size(), actual.size(), sequence.id() + ": " + whole.event());
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i).profileId(), actual.get(i).profileId());
                assertEquals(expected.get(i).event().event(), actual.get(i).event().event());
                assertEquals(
                        expected.get(i).event().eventTime(), actual.get(i).event().eventTime());
                assertEquals(
                        JSON.readTree(expected.get(i).event().message()),
                        JSON.readTree(actual.get(i).event().message()),
                        sequence.id());
            }
        }
        // the exits are read after the crossing, as the feed reduced the event
        ExitCandidates exits = new ExitCandidates(SEQUENCES);
        List<SequenceInput> expectedExits = new ArrayList<>();
        exits.flatMap(whole, new ListCollector<>(expectedExits));
        List<SequenceInput> actualExits = new ArrayList<>();
        for (ResolvedEvent event : fed) {
            exits.flatMap(event, new ListCollector<>(actualExits));
        }
        assertEquals(expectedExits, actualExits, whole.event().message());
    }

    /**
     * A sequence whose steps read every path the feed keeps takes the events as they arrive, which
     * is what its own projection of the whole event gives.
     */
    @Property(tries = 200)
    void aSequenceThatReadsAllTheFeedKeepsTakesTheEventsAsTheyArrive(
            @ForAll("events") ResolvedEvent whole) throws Exception {
        List<SequenceDefinition> alone = List.of(SEQUENCES.get(0));
        SequenceEvents repeat = new SequenceEvents(alone.get(0), SequenceFeed.reducedTo(alone));
        List<ResolvedEvent> fed = new ArrayList<>();
        SequenceFeed.choosing(alone).flatMap(whole, new ListCollector<>(fed));
        List<ResolvedEvent> expected = new ArrayList<>();
        new SequenceEvents(alone.get(0)).flatMap(whole, new ListCollector<>(expected));
        List<ResolvedEvent> actual = new ArrayList<>();
        for (ResolvedEvent event : fed) {
            repeat.flatMap(event, new ListCollector<>(actual));
            assertTrue(actual.isEmpty() || actual.get(actual.size() - 1) == event, "as it came");
        }
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(
                    JSON.readTree(expected.get(i).event().message()),
                    JSON.readTree(actual.get(i).event().message()));
        }
    }

    @Test
    void anEventKeepsOnlyWhatTheStepsOfTheSequencesItIsRelevantToRead() throws Exception {
        String message =
                "{\"properties\":{\"product_id\":\"p1\",\"price\":70},"
                        + "\"context\":{\"campaign\":{\"name\":\"spring\"}}}";
        List<ResolvedEvent> fed = new ArrayList<>();
        feed(false).flatMap(event("Signed Up", message), new ListCollector<>(fed));
        feed(false).flatMap(event("Product Viewed", message), new ListCollector<>(fed));

        // a sign-up only "names" uses, whose steps read no message: what the relevance
        // conditions and the exits read (a price, a campaign), not the product
        assertEquals(
                JSON.readTree(
                        "{\"properties\":{\"price\":70},"
                                + "\"context\":{\"campaign\":{\"name\":\"spring\"}}}"),
                JSON.readTree(fed.get(0).event().message()));
        // a product view "repeat" uses: its product too
        assertEquals(JSON.readTree(message), JSON.readTree(fed.get(1).event().message()));
    }

    @Property(tries = 500)
    void theProjectionKeepsWhatTheTreeWouldKeep(@ForAll("messages") String message)
            throws Exception {
        SequenceEventProjection projection = SequenceFeed.reducedTo(SEQUENCES);

        assertEquals(
                reference(JSON.readTree(message), projection.paths()),
                JSON.readTree(projection.message(message)),
                message);
    }

    @Test
    void anEventNoSequenceReadsGoesOnWithoutItsMessageOnlyWhereEveryEventIsCounted()
            throws Exception {
        ResolvedEvent pageView = event(null, "{\"properties\":{\"price\":3}}");
        List<ResolvedEvent> counted = new ArrayList<>();
        feed(true).flatMap(pageView, new ListCollector<>(counted));
        List<ResolvedEvent> chosen = new ArrayList<>();
        feed(false).flatMap(pageView, new ListCollector<>(chosen));

        assertEquals(1, counted.size());
        assertNull(counted.get(0).event().message());
        assertEquals(pageView.event().eventTime(), counted.get(0).event().eventTime());
        assertEquals(pageView.event().type(), counted.get(0).event().type());
        assertTrue(chosen.isEmpty());
    }

    @Test
    void aReducedEventCarriesNeitherIdentifiersNorTheRestOfItsMessage() throws Exception {
        ResolvedEvent viewed =
                event(
                        "Product Viewed",
                        "{\"properties\":{\"product_id\":\"p1\",\"description\":\"long\"},"
                                + "\"context\":{\"ip\":\"1.2.3.4\"}}");
        List<ResolvedEvent> fed = new ArrayList<>();
        feed(true).flatMap(viewed, new ListCollector<>(fed));

        assertEquals(1, fed.size());
        assertTrue(fed.get(0).event().identifiers().isEmpty());
        assertNull(fed.get(0).event().messageId());
        assertFalse(fed.get(0).event().message().contains("long"));
        assertFalse(fed.get(0).event().message().contains("1.2.3.4"));
        assertEquals(
                JSON.readTree("{\"properties\":{\"product_id\":\"p1\"}}"),
                JSON.readTree(fed.get(0).event().message()));
    }

    private static SequenceFeed feed(boolean reducing) {
        return reducing ? SequenceFeed.reducing(SEQUENCES) : SequenceFeed.choosing(SEQUENCES);
    }

    /** The projection read off a whole tree, path by path: what the stream parser must match. */
    /** The kept paths that lead somewhere in the whole message, each with what it leads to. */
    private static JsonNode reference(JsonNode whole, List<String> dotted) {
        ObjectNode kept = JSON.createObjectNode();
        for (String path : dotted) {
            String[] names = path.split("\\.");
            JsonNode node = whole;
            for (String name : names) {
                node = node.isObject() ? node.get(name) : null;
                if (node == null) {
                    break;
                }
            }
            if (node == null) {
                continue; // a path that leads nowhere is left out
            }
            ObjectNode into = kept;
            for (int i = 0; i < names.length - 1; i++) {
                JsonNode existing = into.get(names[i]);
                into = existing instanceof ObjectNode o ? o : into.putObject(names[i]);
            }
            into.set(names[names.length - 1], node);
        }
        return kept;
    }

    @Provide
    Arbitrary<String> messages() {
        Arbitrary<String> values =
                Arbitraries.of(
                        "1",
                        "60",
                        "\"p1\"",
                        "\"p2\"",
                        "null",
                        "true",
                        "[1,{\"a\":2}]",
                        "{\"name\":\"stop\"}",
                        "{\"x\":{\"y\":[]}}",
                        "\"stop\"");
        Arbitrary<String> keys =
                Arbitraries.of("product_id", "price", "campaign", "name", "other", "properties");
        Arbitrary<String> fields =
                Combinators.combine(keys, values).as((k, v) -> "\"" + k + "\":" + v);
        Arbitrary<String> objects =
                fields.list().ofMaxSize(4).map(list -> "{" + String.join(",", list) + "}");
        Arbitrary<String> tops = Arbitraries.of("properties", "context", "traits", "event");
        Arbitrary<String> topValues = Arbitraries.oneOf(objects, values);
        Arbitrary<String> topFields =
                Combinators.combine(tops, topValues).as((k, v) -> "\"" + k + "\":" + v);
        return topFields
                .list()
                .ofMaxSize(3)
                .uniqueElements(f -> f.substring(0, f.indexOf(':')))
                .map(list -> "{" + String.join(",", list) + "}");
    }

    @Provide
    Arbitrary<ResolvedEvent> events() {
        Arbitrary<String> names = Arbitraries.of(NAMES).injectNull(0.2);
        return Combinators.combine(names, messages()).as(SequenceFeedTest::event);
    }

    /** A track event of that name (a page view when null) with this message, of profile p1. */
    static ResolvedEvent event(String name, String message) {
        return new ResolvedEvent(
                "p1",
                new CustomerEvent(
                        "m1",
                        name == null ? "page" : "track",
                        name,
                        1_700_000_000_000L,
                        List.of(new Identifier("user_id", "u1")),
                        null,
                        message,
                        CustomerEvent.DEFAULT_TENANT));
    }

    private static SequenceDefinition sequence(String id, String steps, String exitOn) {
        try {
            return SequenceDefinition.of(
                    JSON.readTree(
                            """
                            {"schema":"cdp.definition/v1","kind":"audience","id":"%s","version":1,
                             "status":"active","type":"sequence",
                             "sequence":{"steps":%s,"within":"P1D"},
                             "membership":{"ttl":"P1D"%s}}\
                            """
                                    .formatted(
                                            id,
                                            steps,
                                            exitOn == null ? "" : ",\"exitOn\":" + exitOn)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
