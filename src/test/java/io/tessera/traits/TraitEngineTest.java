package io.tessera.traits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraitEngineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static TraitDefinition trait(String json) {
        try {
            return TraitDefinition.of(
                    JSON.readTree(
                            "{\"schema\":\"cdp.definition/v1\",\"kind\":\"trait\",\"version\":1,"
                                    + "\"status\":\"active\","
                                    + json
                                    + "}"));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static EventFields event(String time, String name, String properties) {
        return new EventFields(
                new CustomerEvent(
                        "m-" + time + name,
                        "track",
                        name,
                        ms(time),
                        List.of(new Identifier("user_id", "u1")),
                        null,
                        "{\"type\":\"track\",\"event\":\""
                                + name
                                + "\",\"properties\":"
                                + properties
                                + "}",
                        CustomerEvent.DEFAULT_TENANT));
    }

    static long ms(String time) {
        return Instant.parse(time).toEpochMilli();
    }

    private static final TraitDefinition ORDERS_30D =
            trait(
                    "\"id\":\"orders_30d\",\"type\":\"event_counter\",\"source\":{\"event\":{\"type\":\"track\",\"name\":\"Order"
                        + " Completed\"}},"
                        + "\"window\":{\"kind\":\"sliding\",\"size\":\"P30D\",\"granularity\":\"PT1H\"}");
    private static final TraitDefinition REVENUE_90D =
            trait(
                    "\"id\":\"revenue_90d\",\"type\":\"aggregation\",\"source\":{\"event\":{\"type\":\"track\",\"name\":\"Order"
                        + " Completed\"}},"
                        + "\"aggregate\":{\"fn\":\"sum\",\"property\":\"event.properties.revenue\"},"
                        + "\"window\":{\"kind\":\"sliding\",\"size\":\"P90D\",\"granularity\":\"PT1H\"}");

    @Test
    void windowedCountAndSumExpireNeverEarlyAsAcceptanceA1() {
        TraitState orders = new TraitState();
        TraitState revenue = new TraitState();
        for (EventFields e :
                List.of(
                        event("2025-01-01T10:00:00Z", "Order Completed", "{\"revenue\":300}"),
                        event("2025-01-06T10:00:00Z", "Order Completed", "{\"revenue\":250}"))) {
            assertTrue(TraitEngine.counts(ORDERS_30D, e));
            TraitEngine.add(ORDERS_30D, orders, e, e.event().eventTime());
            TraitEngine.add(REVENUE_90D, revenue, e, e.event().eventTime());
        }
        long step2 = ms("2025-01-06T10:00:00Z");
        assertEquals(2, TraitEngine.value(ORDERS_30D, orders, step2).asLong());
        assertEquals(550.0, TraitEngine.value(REVENUE_90D, revenue, step2).asDouble());

        long almost = ms("2025-01-31T10:59:00Z");
        assertEquals(2, TraitEngine.value(ORDERS_30D, orders, almost).asLong(), "never early");
        assertEquals(
                ms("2025-01-31T11:00:00Z"),
                TraitEngine.nextExpiry(ORDERS_30D, orders, almost),
                "the wake-up time: bucket 10:00 + 1 h + 30 d");

        long expiry = ms("2025-01-31T11:00:00Z");
        assertTrue(TraitEngine.expire(ORDERS_30D, orders, expiry));
        assertEquals(1, TraitEngine.value(ORDERS_30D, orders, expiry).asLong());
        assertEquals(550.0, TraitEngine.value(REVENUE_90D, revenue, expiry).asDouble());
    }

    @Test
    void countsAnEventAtMostOneGranularityLate() {
        TraitState state = new TraitState();
        EventFields late = event("2025-01-01T10:59:59Z", "Order Completed", "{}");
        TraitEngine.add(ORDERS_30D, state, late, late.event().eventTime());

        long windowEnd = ms("2025-01-31T10:59:59Z");
        assertEquals(1, TraitEngine.value(ORDERS_30D, state, windowEnd).asLong());
        assertEquals(
                1, TraitEngine.value(ORDERS_30D, state, ms("2025-01-31T10:59:59.999Z")).asLong());
        assertEquals(
                0,
                TraitEngine.value(ORDERS_30D, state, ms("2025-01-31T11:00:00Z")).asLong(),
                "gone at bucket end + window: under an hour after its exact expiry");
    }

    @Test
    void ignoresAnEventWhoseBucketHasAlreadyExpired() {
        TraitState state = new TraitState();
        EventFields old = event("2025-01-01T10:00:00Z", "Order Completed", "{}");

        assertFalse(TraitEngine.add(ORDERS_30D, state, old, ms("2025-03-01T00:00:00Z")));
        assertTrue(state.buckets.isEmpty());
    }

    @Test
    void uniqueCountAndMostFrequentAsAcceptanceA3() {
        TraitDefinition completed =
                trait(
                        "\"id\":\"articles_completed_7d\",\"type\":\"unique_count\",\"source\":{\"event\":{\"type\":\"track\",\"name\":\"Article"
                            + " Completed\"}},\"property\":\"event.properties.article_id\","
                            + "\"window\":{\"kind\":\"sliding\",\"size\":\"P7D\",\"granularity\":\"PT1H\"}");
        TraitDefinition topCategory =
                trait(
                        "\"id\":\"top_category_30d\",\"type\":\"most_frequent\",\"source\":{\"event\":{\"type\":\"track\",\"name\":\"Article"
                            + " Viewed\"}},"
                            + "\"property\":\"event.properties.category\",\"minFrequency\":2,"
                            + "\"window\":{\"kind\":\"sliding\",\"size\":\"P30D\",\"granularity\":\"PT1H\"}");
        TraitState top = new TraitState();
        TraitState articles = new TraitState();

        add(
                topCategory,
                top,
                event("2025-03-01T08:00:00Z", "Article Viewed", "{\"category\":\"sports\"}"));
        assertNull(
                TraitEngine.value(topCategory, top, ms("2025-03-01T08:00:00Z")), "seen once only");
        add(
                topCategory,
                top,
                event("2025-03-01T08:05:00Z", "Article Viewed", "{\"category\":\"politics\"}"));
        add(
                topCategory,
                top,
                event("2025-03-01T08:10:00Z", "Article Viewed", "{\"category\":\"sports\"}"));
        assertEquals(
                "sports", TraitEngine.value(topCategory, top, ms("2025-03-01T08:10:00Z")).asText());

        for (String[] e :
                new String[][] {
                    {"2025-03-01T08:15:00Z", "a1"},
                    {"2025-03-01T09:00:00Z", "a2"},
                    {"2025-03-01T09:30:00Z", "a2"}
                }) {
            add(
                    completed,
                    articles,
                    event(e[0], "Article Completed", "{\"article_id\":\"" + e[1] + "\"}"));
        }
        assertEquals(
                2, TraitEngine.value(completed, articles, ms("2025-03-01T09:30:00Z")).asLong());
        add(
                completed,
                articles,
                event("2025-03-02T07:00:00Z", "Article Completed", "{\"article_id\":\"a3\"}"));
        assertEquals(
                3, TraitEngine.value(completed, articles, ms("2025-03-02T07:00:00Z")).asLong());
        assertEquals(
                3, TraitEngine.value(completed, articles, ms("2025-03-08T08:59:00Z")).asLong());
        assertEquals(
                2,
                TraitEngine.value(completed, articles, ms("2025-03-08T09:00:00Z")).asLong(),
                "a1 (bucket 08:00) expires at 08:00 + 1 h + 7 d");
    }

    @Test
    void breaksMostFrequentTiesAlphabetically() {
        TraitDefinition top =
                trait(
                        "\"id\":\"top_x\",\"type\":\"most_frequent\","
                            + "\"source\":{\"event\":{\"name\":\"V\"}},\"property\":\"event.properties.c\"");
        TraitState state = new TraitState();
        for (String c : List.of("b", "a", "b", "a")) {
            add(top, state, event("2025-01-01T10:00:00Z", "V", "{\"c\":\"" + c + "\"}"));
        }
        assertEquals("a", TraitEngine.value(top, state, ms("2025-01-01T10:00:00Z")).asText());
    }

    @Test
    void handlesMissingAndWronglyTypedValues() {
        TraitDefinition avg =
                trait(
                        "\"id\":\"avg_x\",\"type\":\"aggregation\","
                            + "\"source\":{\"event\":{\"name\":\"O\"}},"
                            + "\"aggregate\":{\"fn\":\"avg\",\"property\":\"event.properties.v\"}");
        TraitState state = new TraitState();
        long now = ms("2025-01-01T10:00:00Z");
        assertNull(TraitEngine.value(avg, state, now), "no events: no average");
        assertFalse(TraitEngine.add(avg, state, event("2025-01-01T10:00:00Z", "O", "{}"), now));
        assertFalse(
                TraitEngine.add(
                        avg, state, event("2025-01-01T10:00:00Z", "O", "{\"v\":\"n/a\"}"), now));
        TraitEngine.add(avg, state, event("2025-01-01T10:00:00Z", "O", "{\"v\":\"10\"}"), now);
        TraitEngine.add(avg, state, event("2025-01-01T10:00:00Z", "O", "{\"v\":20}"), now);
        assertEquals(15.0, TraitEngine.value(avg, state, now).asDouble());
    }

    @Test
    void readsFirstLastSeenUniqueListAndActiveDays() {
        String source = "\"source\":{\"event\":{\"name\":\"*\"}},";
        TraitDefinition first =
                trait(
                        "\"id\":\"first_x\",\"type\":\"first\","
                                + source
                                + "\"property\":\"event.properties.p\"");
        TraitDefinition last =
                trait(
                        "\"id\":\"last_x\",\"type\":\"last\","
                                + source
                                + "\"property\":\"event.properties.p\"");
        TraitDefinition seen =
                trait("\"id\":\"seen_x\",\"type\":\"last_seen_at\"," + source.replace(",", ""));
        TraitDefinition list =
                trait(
                        "\"id\":\"list_x\",\"type\":\"unique_list\","
                                + source
                                + "\"property\":\"event.properties.p\",\"maxDistinct\":2");
        TraitDefinition days =
                trait("\"id\":\"days_x\",\"type\":\"active_days\"," + source.replace(",", ""));
        List<TraitDefinition> all = List.of(first, last, seen, list, days);
        Map<TraitDefinition, TraitState> states = new java.util.HashMap<>();
        all.forEach(t -> states.put(t, new TraitState()));
        for (String[] e :
                new String[][] {
                    {"2025-01-02T10:00:00Z", "c"},
                    {"2025-01-01T10:00:00Z", "b"},
                    {"2025-01-02T12:00:00Z", "a"}
                }) {
            all.forEach(t -> add(t, states.get(t), event(e[0], "Any", "{\"p\":\"" + e[1] + "\"}")));
        }
        long now = ms("2025-01-03T00:00:00Z");
        assertEquals(
                "b", TraitEngine.value(first, states.get(first), now).asText(), "by event time");
        assertEquals("a", TraitEngine.value(last, states.get(last), now).asText());
        assertEquals(
                "2025-01-02T12:00:00Z", TraitEngine.value(seen, states.get(seen), now).asText());
        assertEquals(
                JSON.createArrayNode().add("a").add("b"),
                TraitEngine.value(list, states.get(list), now),
                "sorted, capped at maxDistinct");
        assertEquals(2, TraitEngine.value(days, states.get(days), now).asLong());
    }

    @Test
    void decaysAScoreByItsHalfLife() {
        TraitDefinition score =
                trait(
                        "\"id\":\"score_x\",\"type\":\"decayed_score\","
                            + "\"source\":{\"event\":{\"name\":\"*\"}},\"halfLife\":\"P7D\",\"weight\":2");
        TraitState state = new TraitState();
        add(score, state, event("2025-01-01T00:00:00Z", "V", "{}"));
        add(score, state, event("2025-01-08T00:00:00Z", "V", "{}"));

        assertEquals(
                3.0,
                TraitEngine.value(score, state, ms("2025-01-08T00:00:00Z")).asDouble(),
                1e-9,
                "2 halved by a week, plus 2");
        assertEquals(
                1.5, TraitEngine.value(score, state, ms("2025-01-15T00:00:00Z")).asDouble(), 1e-9);
    }

    @Test
    void computesDerivedArithmeticWithNullsForMissingInputs() {
        Expression ratio = Expression.parse("traits.revenue_90d / (traits.orders_90d + 0) * 1");

        assertEquals(275.0, ratio.evaluate(Map.of("revenue_90d", 550.0, "orders_90d", 2.0)));
        assertNull(ratio.evaluate(Map.of("revenue_90d", 550.0)));
        assertNull(
                ratio.evaluate(Map.of("revenue_90d", 550.0, "orders_90d", 0.0)),
                "no division by 0");
        assertEquals(-4.0, Expression.parse("-(1 + 3)").evaluate(Map.of()));
    }

    @Test
    void filtersByTypeNameAndWhere() {
        TraitDefinition usd =
                trait(
                        "\"id\":\"usd_orders\",\"type\":\"event_counter\",\"source\":{\"event\":{\"type\":\"track\",\"name\":\"Order"
                            + " Completed\"},"
                            + "\"where\":{\"field\":\"event.properties.currency\",\"op\":\"eq\",\"value\":\"USD\"}}");

        assertTrue(
                TraitEngine.counts(
                        usd,
                        event(
                                "2025-01-01T00:00:00Z",
                                "Order Completed",
                                "{\"currency\":\"USD\"}")));
        assertFalse(
                TraitEngine.counts(
                        usd,
                        event(
                                "2025-01-01T00:00:00Z",
                                "Order Completed",
                                "{\"currency\":\"EUR\"}")));
        assertFalse(
                TraitEngine.counts(
                        usd,
                        event("2025-01-01T00:00:00Z", "Order Refunded", "{\"currency\":\"USD\"}")));
    }

    private static void add(TraitDefinition trait, TraitState state, EventFields event) {
        if (TraitEngine.counts(trait, event)) {
            TraitEngine.add(trait, state, event, event.event().eventTime());
        }
    }
}
