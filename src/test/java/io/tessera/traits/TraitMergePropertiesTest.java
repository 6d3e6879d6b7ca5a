package io.tessera.traits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Merging two profiles' trait states, bucket by bucket, gives the values computed over the union of
 * their events, for every trait type, at every moment (identity rule 6, windowed buckets).
 */
class TraitMergePropertiesTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final String SLIDING =
            "\"window\":{\"kind\":\"sliding\",\"size\":\"P3D\",\"granularity\":\"PT6H\"}";
    private static final String SOURCE =
            "\"source\":{\"event\":{\"type\":\"track\",\"name\":\"*\"}},";
    private static final List<TraitDefinition> TRAITS =
            List.of(
                    TraitEngineTest.trait(
                            "\"id\":\"count_w\",\"type\":\"event_counter\"," + SOURCE + SLIDING),
                    TraitEngineTest.trait(
                            "\"id\":\"count_l\",\"type\":\"event_counter\","
                                    + SOURCE.replace("},", "}")),
                    TraitEngineTest.trait(
                            "\"id\":\"sum_w\",\"type\":\"aggregation\","
                                    + SOURCE
                                    + "\"aggregate\":{\"fn\":\"sum\",\"property\":\"event.properties.v\"},"
                                    + SLIDING),
                    TraitEngineTest.trait(
                            "\"id\":\"avg_w\",\"type\":\"aggregation\","
                                    + SOURCE
                                    + "\"aggregate\":{\"fn\":\"avg\",\"property\":\"event.properties.v\"},"
                                    + SLIDING),
                    TraitEngineTest.trait(
                            "\"id\":\"min_w\",\"type\":\"aggregation\","
                                    + SOURCE
                                    + "\"aggregate\":{\"fn\":\"min\",\"property\":\"event.properties.v\"},"
                                    + SLIDING),
                    TraitEngineTest.trait(
                            "\"id\":\"max_l\",\"type\":\"aggregation\","
                                    + SOURCE
                                    + "\"aggregate\":{\"fn\":\"max\",\"property\":\"event.properties.v\"}"),
                    TraitEngineTest.trait(
                            "\"id\":\"top_w\",\"type\":\"most_frequent\","
                                    + SOURCE
                                    + "\"property\":\"event.properties.c\","
                                    + SLIDING),
                    TraitEngineTest.trait(
                            "\"id\":\"first_w\",\"type\":\"first\","
                                    + SOURCE
                                    + "\"property\":\"event.properties.c\","
                                    + SLIDING),
                    TraitEngineTest.trait(
                            "\"id\":\"last_l\",\"type\":\"last\","
                                    + SOURCE
                                    + "\"property\":\"event.properties.c\""),
                    TraitEngineTest.trait(
                            "\"id\":\"seen_w\",\"type\":\"first_seen_at\"," + SOURCE + SLIDING),
                    TraitEngineTest.trait(
                            "\"id\":\"list_w\",\"type\":\"unique_list\","
                                    + SOURCE
                                    + "\"property\":\"event.properties.c\",\"maxDistinct\":3,"
                                    + SLIDING),
                    TraitEngineTest.trait(
                            "\"id\":\"uniq_l\",\"type\":\"unique_count\","
                                    + SOURCE
                                    + "\"property\":\"event.properties.c\""),
                    TraitEngineTest.trait(
                            "\"id\":\"days_w\",\"type\":\"active_days\"," + SOURCE + SLIDING),
                    TraitEngineTest.trait(
                            "\"id\":\"score_l\",\"type\":\"decayed_score\","
                                    + SOURCE
                                    + "\"halfLife\":\"P2D\",\"weight\":1.5"));

    /** One generated event: minutes after T0, a number, a category, and which profile has it. */
    record Event(int minute, int v, String c, boolean inA) {}

    @Property(tries = 300)
    void mergedStatesEqualTheStateOfTheUnion(
            @ForAll("events") List<Event> events, @ForAll("moments") List<Integer> moments) {
        for (TraitDefinition trait : TRAITS) {
            TraitState a = new TraitState();
            TraitState b = new TraitState();
            TraitState union = new TraitState();
            for (Event e : events) {
                EventFields fields =
                        TraitEngineTest.event(
                                T0.plusSeconds(60L * e.minute()).toString(),
                                "E",
                                "{\"v\":" + e.v() + ",\"c\":\"" + e.c() + "\"}");
                long time = fields.event().eventTime();
                TraitEngine.add(trait, e.inA() ? a : b, fields, time);
                TraitEngine.add(trait, union, fields, time);
            }
            TraitEngine.merge(trait, a, b);
            for (int moment : moments) {
                long now = T0.plusSeconds(60L * moment).toEpochMilli();
                JsonNode merged = TraitEngine.value(trait, a, now);
                JsonNode expected = TraitEngine.value(trait, union, now);
                if (expected != null && expected.isDouble()) {
                    assertEquals(
                            expected.asDouble(),
                            merged.asDouble(),
                            1e-9,
                            trait.id() + " at " + moment);
                } else {
                    assertEquals(expected, merged, trait.id() + " at " + moment);
                }
            }
        }
    }

    @Provide
    Arbitrary<List<Event>> events() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 7 * 24 * 60),
                        Arbitraries.integers().between(-50, 500),
                        Arbitraries.of("a", "b", "c", "d", "e"),
                        Arbitraries.of(true, false))
                .as(Event::new)
                .list()
                .ofMaxSize(30);
    }

    @Provide
    Arbitrary<List<Integer>> moments() {
        return Arbitraries.integers()
                .between(0, 11 * 24 * 60)
                .list()
                .ofMinSize(1)
                .ofMaxSize(5)
                .map(list -> new ArrayList<>(list));
    }
}
