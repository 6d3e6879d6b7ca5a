package io.tessera.sequences;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.TextNode;
import io.tessera.definitions.Op;
import io.tessera.definitions.Predicate;
import io.tessera.identity.ResolvedEvent;
import io.tessera.traits.EventFields;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A condition keeps the messages it read last: what it reads is what the message holds. */
class StepConditionTest {
    private static final List<String> PATHS =
            List.of(
                    "event.properties.product_id",
                    "event.properties.price",
                    "event.context.page",
                    "event.name");

    /**
     * Over more distinct messages than a condition keeps, read in an order that meets many again (a
     * few products viewed over and over) and many once: every read finds what a fresh read of the
     * event finds.
     */
    @Property(tries = 200)
    void readsWhatTheEventHoldsWhetherItsMessageWasKeptOrNot(
            @ForAll("events") List<ResolvedEvent> events) {
        StepCondition condition =
                new StepCondition(
                        new Predicate.Comparison(
                                "event.name", Op.EQ, TextNode.valueOf("x"), null, null));
        for (ResolvedEvent event : events) {
            EventFields kept = condition.fields(event);
            EventFields fresh = new EventFields(event.event());
            for (String path : PATHS) {
                assertEquals(fresh.get(path), kept.get(path), path + " of " + event);
            }
        }
    }

    @Provide
    Arbitrary<List<ResolvedEvent>> events() {
        Arbitrary<Integer> often = Arbitraries.integers().between(0, 5);
        Arbitrary<Integer> rarely =
                Arbitraries.integers().between(0, StepCondition.MESSAGES_KEPT * 3);
        return Arbitraries.oneOf(often, rarely)
                .flatMap(
                        product ->
                                Arbitraries.of("Product Viewed", "Product Added")
                                        .map(name -> event(name, product)))
                .list()
                .ofMinSize(1)
                .ofMaxSize(400);
    }

    private static ResolvedEvent event(String name, int product) {
        return SequenceFeedTest.event(
                name,
                "{\"properties\":{\"product_id\":\"p"
                        + product
                        + "\",\"price\":"
                        + (product % 7)
                        + "},\"context\":{\"page\":\"/p/"
                        + product
                        + "\"}}");
    }
}
