package io.tessera.sequences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.identity.ResolvedEvent;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SequenceRelevanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void keepsTheEventsOfEveryStepIncludingAbsentOnes() throws Exception {
        RelevantEventFilter filter =
                filter(
                        """
                        [{"name":"add","match":{"field":"event.name","op":"eq","value":"Product Added"}},
                         {"name":"order","absent":true,
                          "match":{"field":"event.name","op":"eq","value":"Order Completed"}}]\
                        """);

        assertTrue(filter.filter(event("Product Added", "{}")));
        assertTrue(filter.filter(event("Order Completed", "{}")));
        assertEquals(false, filter.filter(event("Product Viewed", "{}")));
        assertEquals(false, filter.filter(event(null, "{}")), "a page view");
    }

    @Test
    void keepsWhatALoopsUntilConditionNeeds() throws Exception {
        RelevantEventFilter filter =
                filter(
                        """
                        [{"name":"views","times":{"min":2,"max":null},
                          "until":{"field":"event.name","op":"eq","value":"Checkout Started"},
                          "match":{"field":"event.name","op":"eq","value":"Product Viewed"}},
                         {"name":"add","match":{"field":"event.name","op":"eq","value":"Product Added"}}]\
                        """);

        assertTrue(filter.filter(event("Checkout Started", "{}")));
        assertEquals(false, filter.filter(event("Order Completed", "{}")));
    }

    @Test
    void aReferenceToAnEarlierStepCanGoEitherWay() throws Exception {
        RelevantEventFilter filter =
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

        assertTrue(filter.filter(event("Product Added", "{\"product_id\":\"p1\"}")));
        assertTrue(filter.filter(event("Order Completed", "{\"product_id\":\"p1\"}")));
        assertEquals(false, filter.filter(event("Signed Up", "{\"product_id\":\"p1\"}")));
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

    private static RelevantEventFilter filter(String steps) throws Exception {
        return new RelevantEventFilter(SequenceRelevance.of(sequence(steps)).orElseThrow());
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
        return new ResolvedEvent(
                "p1",
                new CustomerEvent(
                        "m1",
                        name == null ? "page" : "track",
                        name,
                        1_700_000_000_000L,
                        List.of(new Identifier("user_id", "u1")),
                        null,
                        "{\"properties\":" + properties + "}",
                        CustomerEvent.DEFAULT_TENANT));
    }
}
