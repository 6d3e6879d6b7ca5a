package io.tessera.sequences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.identity.ResolvedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.junit.jupiter.api.Test;

class SequenceRelevanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An add to cart, then no order: both steps read only the event's name. */
    private static final String CART_ABANDONER =
            """
            [{"name":"add","match":{"field":"event.name","op":"eq","value":"Product Added"}},
             {"name":"order","absent":true,
              "match":{"field":"event.name","op":"eq","value":"Order Completed"}}]\
            """;

    @Test
    void keepsTheEventsOfEveryStepIncludingAbsentOnes() throws Exception {
        SequenceEvents filter = filter(CART_ABANDONER);

        assertTrue(filter.relevant(event("Product Added", "{}")));
        assertTrue(filter.relevant(event("Order Completed", "{}")));
        assertEquals(false, filter.relevant(event("Product Viewed", "{}")));
        assertEquals(false, filter.relevant(event(null, "{}")), "a page view");
    }

    @Test
    void keepsWhatALoopsUntilConditionNeeds() throws Exception {
        SequenceEvents filter =
                filter(
                        """
                        [{"name":"views","times":{"min":2,"max":null},
                          "until":{"field":"event.name","op":"eq","value":"Checkout Started"},
                          "match":{"field":"event.name","op":"eq","value":"Product Viewed"}},
                         {"name":"add","match":{"field":"event.name","op":"eq","value":"Product Added"}}]\
                        """);

        assertTrue(filter.relevant(event("Checkout Started", "{}")));
        assertEquals(false, filter.relevant(event("Order Completed", "{}")));
    }

    @Test
    void aReferenceToAnEarlierStepCanGoEitherWay() throws Exception {
        SequenceEvents filter =
                filter(
                        """
                        [{"name":"first","match":{"field":"event.name","op":"eq","value":"Product Viewed"}},
                         {"name":"other","match":{"all":[
                           {"field":"event.name","op":"eq","value":"Product Added"},
                           {"not":{"field":"event.properties.product_id","op":"eq",
                                   "ref":"step:first.properties.product_id"}}]}},
                         {"name":"same","match":{"all":[
                           {"field":"event.name","op":"eq","value":"Order Completed"},
                           {"field":"event.properties.product_id","op":"eq",
                            "ref":"step:first.properties.product_id"}]}}]\
                        """);

        assertTrue(filter.relevant(event("Product Added", "{\"product_id\":\"p1\"}")));
        assertTrue(filter.relevant(event("Order Completed", "{\"product_id\":\"p1\"}")));
        assertEquals(false, filter.relevant(event("Signed Up", "{\"product_id\":\"p1\"}")));
    }

    @Test
    void aStrictStepNeedsEveryEvent() throws Exception {
        Optional<?> relevance =
                SequenceRelevance.of(
                        sequence(
                                """
                                [{"name":"view","match":{"field":"event.name","op":"eq","value":"Product Viewed"}},
                                 {"name":"add","contiguity":"strict",
                                  "match":{"field":"event.name","op":"eq","value":"Product Added"}}]\
                                """));

        assertTrue(relevance.isEmpty(), "a page view in between breaks a strict step");
    }

    private static SequenceEvents filter(String steps) throws Exception {
        return new SequenceEvents(sequence(steps));
    }

    @Test
    void passesOnlyWhatTheStepsReadToCep() throws Exception {
        SequenceDefinition repeat =
                sequence(
                        """
                        [{"name":"first","match":{"field":"event.name","op":"eq","value":"Product Viewed"}},
                         {"name":"again","match":{"all":[
                           {"field":"event.context.page.path","op":"exists"},
                           {"field":"event.properties.product_id","op":"eq",
                            "ref":"step:first.properties.sku"}]}}]\
                        """);
        SequenceEventProjection projection = SequenceEventProjection.of(repeat);
        assertEquals(
                List.of("context.page.path", "properties.product_id", "properties.sku"),
                projection.paths());

        ResolvedEvent full =
                event(
                        "Product Viewed",
                        "{\"product_id\":\"p1\",\"sku\":\"s1\",\"price\":9,"
                                + "\"description\":\"a long text\"}");
        full.event().message =
                full.event()
                        .message()
                        .replace(
                                "}}",
                                "},\"context\":{\"page\":{\"path\":\"/p\","
                                        + "\"title\":\"P\"},\"ip\":\"1.2.3.4\"}}");
        ResolvedEvent kept = projection.project(full);

        assertEquals(
                JSON.readTree(
                        "{\"properties\":{\"product_id\":\"p1\",\"sku\":\"s1\"},"
                                + "\"context\":{\"page\":{\"path\":\"/p\"}}}"),
                JSON.readTree(kept.event().message()));
        assertEquals(full.profileId(), kept.profileId());
        assertEquals(full.event().event(), kept.event().event());
        assertEquals(full.event().eventTime(), kept.event().eventTime());
        assertTrue(kept.event().identifiers().isEmpty(), "identifiers are not read by steps");
    }

    @Test
    void aSequenceOfNamesKeepsAnEmptyMessage() throws Exception {
        List<ResolvedEvent> out = new ArrayList<>();
        filter(CART_ABANDONER)
                .flatMap(
                        event("Product Added", "{\"product_id\":\"p1\"}"),
                        new ListCollector<>(out));

        assertEquals(1, out.size());
        assertEquals("{}", out.get(0).event().message());
    }

    private static SequenceDefinition sequence(String steps) throws Exception {
        return SequenceDefinition.of(
                JSON.readTree(
                        """
                        {"schema":"cdp.definition/v1","kind":"audience","id":"seq","version":1,
                         "status":"active","type":"sequence",
                         "sequence":{"steps":%s,"within":"P1D"},"membership":{"ttl":"P1D"}}\
                        """
                                .formatted(steps)));
    }

    private static ResolvedEvent event(String name, String properties) {
        return SequenceFeedTest.event(name, "{\"properties\":" + properties + "}");
    }
}
