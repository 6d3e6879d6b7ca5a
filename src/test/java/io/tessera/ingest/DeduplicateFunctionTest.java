package io.tessera.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeduplicateFunctionTest {
    private static final Duration WINDOW = Duration.ofHours(1);
    private static final long T0 = 1_000_000L;
    private static final long EVENT_TIME = IngestFixtures.NOW.toEpochMilli();

    private KeyedOneInputStreamOperatorTestHarness<String, SourcedEvent, CustomerEvent> harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void dropsAMessageIdSeenWithinTheWindow() throws Exception {
        harness = open(WINDOW, null);
        at(T0);
        harness.processElement(event("m1", "a1"), EVENT_TIME);
        at(T0 + WINDOW.toMillis() - 1);
        harness.processElement(event("m1", "a1"), EVENT_TIME);
        harness.processElement(event("m2", "a1"), EVENT_TIME);
        harness.processElement(event("m1", "a2"), EVENT_TIME);

        assertEquals(List.of("m1", "m2", "m1"), outputIds(), "an id is a message of one device");
        assertEquals(2, harness.numKeyedStateEntries(), "a map of ids for each of two devices");
    }

    @Test
    void forgetsAMessageIdOnceTheWindowHasPassed() throws Exception {
        harness = open(WINDOW, null);
        at(T0);
        harness.processElement(event("m1", "a1"), EVENT_TIME);
        at(T0 + WINDOW.toMillis());
        harness.processElement(event("m1", "a1"), EVENT_TIME);

        assertEquals(List.of("m1", "m1"), outputIds());
    }

    @Test
    void neverDeduplicatesMessagesWithoutAMessageId() throws Exception {
        harness = open(WINDOW, null);
        harness.processElement(event(null, "a1"), EVENT_TIME);
        harness.processElement(event(null, "a1"), EVENT_TIME);

        assertEquals(2, harness.extractOutputValues().size());
        assertEquals(0, harness.numKeyedStateEntries(), "no state for messages without an id");
    }

    @Test
    void aZeroWindowLetsEverythingThroughWithoutState() throws Exception {
        harness = open(Duration.ZERO, null);
        harness.processElement(event("m1", "a1"), EVENT_TIME);
        harness.processElement(event("m1", "a1"), EVENT_TIME);

        assertEquals(List.of("m1", "m1"), outputIds());
        assertEquals(0, harness.numKeyedStateEntries());
    }

    @Test
    void keepsLiveIdsAndDropsExpiredOnesAcrossSnapshotAndRestore() throws Exception {
        harness = open(WINDOW, null);
        at(T0);
        harness.processElement(event("old", "a1"), EVENT_TIME);
        at(T0 + WINDOW.toMillis() / 2);
        harness.processElement(event("recent", "a1"), EVENT_TIME);
        at(T0 + WINDOW.toMillis());
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0);
        harness.close();

        harness = open(WINDOW, snapshot);
        at(T0 + WINDOW.toMillis());

        assertEquals(1, harness.numKeyedStateEntries(), "the expired id left the snapshot");
        harness.processElement(event("recent", "a1"), EVENT_TIME);
        harness.processElement(event("old", "a1"), EVENT_TIME);
        assertEquals(List.of("old"), outputIds());
    }

    /**
     * A savepoint of a build that kept the ids' text: a redelivery of a message seen before the
     * upgrade is still dropped within the window, and the text is never written again.
     */
    @Test
    void dropsARedeliveryOfAMessageSeenBeforeTheIdsWereKeptAsDigests() throws Exception {
        dropsARedeliveryOfAMessageSeenBefore(new IdsAsText(DeduplicateFunction.seenTtl(WINDOW)));
    }

    /**
     * A job restored from a savepoint of a build that kept the ids as {@code before} did: a
     * redelivery of a message seen before the upgrade is still dropped within the window.
     */
    private void dropsARedeliveryOfAMessageSeenBefore(
            KeyedProcessFunction<String, SourcedEvent, CustomerEvent> before) throws Exception {
        OperatorSubtaskState snapshot;
        var old =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(before), new DedupKey(), Types.STRING);
        try (old) {
            old.open();
            old.setStateTtlProcessingTime(T0);
            old.processElement(event("m1", "a1"), EVENT_TIME);
            snapshot = old.snapshot(1L, T0);
        }

        harness = open(WINDOW, snapshot);
        at(T0 + WINDOW.toMillis() - 1);
        harness.processElement(event("m1", "a1"), EVENT_TIME);
        harness.processElement(event("m2", "a1"), EVENT_TIME);
        harness.processElement(event("m2", "a1"), EVENT_TIME);
        assertEquals(List.of("m2"), outputIds(), "m1 was seen before the upgrade");

        at(T0 + WINDOW.toMillis());
        harness.processElement(event("m1", "a1"), EVENT_TIME);
        assertEquals(List.of("m2", "m1"), outputIds(), "once its window has passed, m1 is new");
    }

    /** How builds before 2026-12-04 kept the ids a key had seen: their text, with event time. */
    private static final class IdsAsText
            extends KeyedProcessFunction<String, SourcedEvent, CustomerEvent> {
        private final StateTtlConfig ttl;
        private transient MapState<String, Long> seen;

        IdsAsText(StateTtlConfig ttl) {
            this.ttl = ttl;
        }

        @Override
        public void open(OpenContext context) {
            MapStateDescriptor<String, Long> descriptor =
                    new MapStateDescriptor<>(
                            DeduplicateFunction.SEEN_TEXT_STATE, Types.STRING, Types.LONG);
            descriptor.enableTimeToLive(ttl);
            seen = getRuntimeContext().getMapState(descriptor);
        }

        @Override
        public void processElement(SourcedEvent sourced, Context ctx, Collector<CustomerEvent> out)
                throws Exception {
            seen.put(sourced.event().messageId(), sourced.event().eventTime());
        }
    }

    @Test
    void numbersEachKeysEventsInTheOrderTheyPassAndKeepsTheNumbersAcrossARestore()
            throws Exception {
        harness = open(new DeduplicateFunction(WINDOW, true), null);
        harness.processElement(event("m1", "a1"), EVENT_TIME);
        harness.processElement(event("m2", "a2"), EVENT_TIME);
        harness.processElement(event("m1", "a1"), EVENT_TIME); // a duplicate takes no place
        harness.processElement(event(null, "a1"), EVENT_TIME); // nor is one without an id left out
        assertEquals(List.of("m1@a1#1", "m2@a2#1", "null@a1#2"), numbered());
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0);
        harness.close();
        harness = open(new DeduplicateFunction(WINDOW, true), snapshot);
        harness.processElement(event("m3", "a1"), EVENT_TIME);

        assertEquals(List.of("m3@a1#3"), numbered(), "after the restore");
    }

    @Test
    void numbersTheDevicesOfOneKafkaKeyApart() throws Exception {
        harness = open(new DeduplicateFunction(WINDOW, true), null);
        harness.processElement(new SourcedEvent("person-1", device("m1", "a1")), EVENT_TIME);
        harness.processElement(new SourcedEvent("person-1", device("m2", "a2")), EVENT_TIME);
        harness.processElement(new SourcedEvent("person-1", device("m3", "a1")), EVENT_TIME);

        assertEquals(
                List.of("m1@person-1\u001Fa1#1", "m2@person-1\u001Fa2#1", "m3@person-1\u001Fa1#2"),
                numbered());
    }

    /**
     * A key that sees more ids in a window than its value keeps keeps the rest in the overflow map,
     * and drops their redeliveries too.
     */
    @Test
    void aKeyThatSeesManyIdsInAWindowKeepsTheRestInAMap() throws Exception {
        harness = open(WINDOW, null);
        at(T0);
        int ids = SeenDigests.MAX_KEPT + 10;
        for (int i = 0; i < ids; i++) {
            harness.processElement(event("m" + i, "server"), EVENT_TIME);
        }
        assertEquals(2, harness.numKeyedStateEntries(), "the key's value and its overflow map");
        at(T0 + WINDOW.toMillis() - 1);
        for (int i = 0; i < ids; i++) {
            harness.processElement(event("m" + i, "server"), EVENT_TIME);
        }
        assertEquals(ids, harness.extractOutputValues().size(), "every redelivery dropped");

        at(T0 + WINDOW.toMillis());
        harness.processElement(event("m0", "server"), EVENT_TIME);
        harness.processElement(event("m" + (ids - 1), "server"), EVENT_TIME);
        assertEquals(ids + 2, harness.extractOutputValues().size(), "once the window has passed");
    }

    /**
     * A savepoint of a build that kept each digest as an entry of a map: a redelivery of a message
     * seen before the upgrade is still dropped within the window.
     */
    @Test
    void dropsARedeliveryOfAMessageSeenBeforeTheDigestsWereOneValue() throws Exception {
        dropsARedeliveryOfAMessageSeenBefore(
                new DigestsAsEntries(DeduplicateFunction.seenTtl(WINDOW)));
    }

    /** How builds before 2026-12-05 kept the ids a key had seen: a map entry per digest. */
    private static final class DigestsAsEntries
            extends KeyedProcessFunction<String, SourcedEvent, CustomerEvent> {
        private final StateTtlConfig ttl;
        private transient MapState<Long, Boolean> seen;

        DigestsAsEntries(StateTtlConfig ttl) {
            this.ttl = ttl;
        }

        @Override
        public void open(OpenContext context) {
            MapStateDescriptor<Long, Boolean> descriptor =
                    new MapStateDescriptor<>(
                            DeduplicateFunction.SEEN_STATE, Types.LONG, Types.BOOLEAN);
            descriptor.enableTimeToLive(ttl);
            seen = getRuntimeContext().getMapState(descriptor);
        }

        @Override
        public void processElement(SourcedEvent sourced, Context ctx, Collector<CustomerEvent> out)
                throws Exception {
            byte[] sha =
                    MessageDigest.getInstance("SHA-256")
                            .digest(sourced.event().messageId().getBytes(StandardCharsets.UTF_8));
            seen.put(ByteBuffer.wrap(sha).getLong(), Boolean.TRUE);
        }
    }

    /** The processing time, as the state's time to live and the function see it. */
    private void at(long time) throws Exception {
        harness.setStateTtlProcessingTime(time);
        harness.setProcessingTime(time);
    }

    private List<String> numbered() {
        List<String> numbered = new ArrayList<>();
        for (CustomerEvent event : harness.extractOutputValues()) {
            numbered.add(event.messageId() + "@" + event.orderKey + "#" + event.orderPosition);
        }
        return numbered;
    }

    @Test
    void numbersNothingUnlessAsked() throws Exception {
        harness = open(WINDOW, null);
        harness.processElement(event("m1", "a1"), EVENT_TIME);

        CustomerEvent out = harness.extractOutputValues().get(0);
        assertEquals(null, out.orderKey);
        assertEquals(0, out.orderPosition);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, SourcedEvent, CustomerEvent> open(
            Duration window, OperatorSubtaskState restoreFrom) throws Exception {
        return open(new DeduplicateFunction(window), restoreFrom);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, SourcedEvent, CustomerEvent> open(
            DeduplicateFunction function, OperatorSubtaskState restoreFrom) throws Exception {
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(function), new DedupKey(), Types.STRING);
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        return harness;
    }

    @Test
    void keysAsTheKafkaRecordWasElseByTheDeviceSoTheyKeepTheirOrder() {
        DedupKey key = new DedupKey();
        SourcedEvent page = event("m1", "a1");
        SourcedEvent secondDevice = new SourcedEvent("person-1", device("m4", "a2"));
        SourcedEvent firstDevice = new SourcedEvent("person-1", device("m5", "a1"));
        CustomerEvent login =
                new CustomerEvent(
                        "m2",
                        "identify",
                        null,
                        EVENT_TIME,
                        List.of(
                                new Identifier("user_id", "u1"),
                                new Identifier("email", "ann@example.org"),
                                new Identifier("anonymous_id", "a1")),
                        null,
                        "{}",
                        CustomerEvent.DEFAULT_TENANT);
        CustomerEvent server =
                new CustomerEvent(
                        "m3",
                        "track",
                        "Order Completed",
                        EVENT_TIME,
                        List.of(
                                new Identifier("email", "ann@example.org"),
                                new Identifier("user_id", "u1")),
                        null,
                        "{}",
                        CustomerEvent.DEFAULT_TENANT);

        assertEquals("a1", key.getKey(page), "a record without a key: by its device");
        assertEquals(
                "a1",
                key.getKey(new SourcedEvent(null, login)),
                "the device's id before the user's");
        assertEquals("u1", key.getKey(new SourcedEvent("", server)), "a server's by the user id");
        assertEquals(
                key.getKey(firstDevice),
                key.getKey(secondDevice),
                "two devices of one person under one Kafka key keep the key's order");
    }

    private List<String> outputIds() {
        return harness.extractOutputValues().stream().map(CustomerEvent::messageId).toList();
    }

    private static SourcedEvent event(String messageId, String anonymousId) {
        return new SourcedEvent(null, device(messageId, anonymousId));
    }

    private static CustomerEvent device(String messageId, String anonymousId) {
        return new CustomerEvent(
                messageId,
                "page",
                null,
                EVENT_TIME,
                List.of(new Identifier("anonymous_id", anonymousId)),
                null,
                "{}",
                CustomerEvent.DEFAULT_TENANT);
    }

    /**
     * Marking, an event is marked when its key's events named every identifier of it before: not
     * the first, not one that brings a new identifier, not after a delete of the key, nor once the
     * key's list is older than it may be (then it starts again); the list is kept across a restore.
     * Marked as partly named when its key named some identifier of it before: also the one that
     * brings a new identifier beside those (a login's new user id).
     */
    @Test
    void marksAnEventWhoseIdentifiersItsKeyNamedBefore() throws Exception {
        Duration fresh = Duration.ofDays(1);
        harness = open(new DeduplicateFunction(WINDOW, true, fresh), null);
        at(T0);
        harness.processElement(named("m1", "a1", "d1"), EVENT_TIME);
        harness.processElement(named("m2", "a1", "d1"), EVENT_TIME);
        harness.processElement(named("m3", "a1", "d1", "p1"), EVENT_TIME); // p1 is new
        harness.processElement(named("m4", "d1", "p1"), EVENT_TIME);
        harness.processElement(named("m4b", "d1"), EVENT_TIME); // one identifier: marked too
        List<String> marked = marked();
        List<String> partly = partlyMarked();
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0);
        harness.close();
        harness = open(new DeduplicateFunction(WINDOW, true, fresh), snapshot);
        at(T0);
        harness.processElement(named("m5", "a1", "p1"), EVENT_TIME);
        at(T0 + fresh.toMillis()); // the list began a day ago: it starts again
        harness.processElement(named("m6", "a1", "d1"), EVENT_TIME);
        harness.processElement(named("m7", "a1", "d1"), EVENT_TIME);
        harness.processElement(deleteOf("m8", "a1"), EVENT_TIME);
        harness.processElement(named("m9", "a1", "d1"), EVENT_TIME);
        harness.processElement(named("m10", "a1", "d1"), EVENT_TIME);

        marked.addAll(marked());
        partly.addAll(partlyMarked());
        assertEquals(List.of("m2", "m4", "m4b", "m5", "m7", "m10"), marked);
        assertEquals(List.of("m2", "m3", "m4", "m4b", "m5", "m7", "m10"), partly);
    }

    private List<String> marked() {
        return marked(event -> event.identifiersNamed);
    }

    private List<String> partlyMarked() {
        return marked(event -> event.identifiersPartlyNamed);
    }

    private List<String> marked(java.util.function.Predicate<CustomerEvent> mark) {
        return harness.extractOutputValues().stream()
                .filter(mark)
                .map(CustomerEvent::messageId)
                .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
    }

    @Test
    void marksNothingUnlessAsked() throws Exception {
        harness = open(new DeduplicateFunction(WINDOW, true), null);
        harness.processElement(named("m1", "a1", "d1"), EVENT_TIME);
        harness.processElement(named("m2", "a1", "d1"), EVENT_TIME);

        for (CustomerEvent event : harness.extractOutputValues()) {
            assertEquals(false, event.identifiersNamed, event.messageId());
            assertEquals(false, event.identifiersPartlyNamed, event.messageId());
        }
    }

    /** An event of the Kafka key {@code visitor} naming the given device ids. */
    private static SourcedEvent named(String messageId, String... devices) {
        List<Identifier> identifiers = new ArrayList<>();
        for (String device : devices) {
            identifiers.add(new Identifier("device_id", device));
        }
        return new SourcedEvent(
                "visitor",
                new CustomerEvent(
                        messageId,
                        "track",
                        "Product Viewed",
                        EVENT_TIME,
                        identifiers,
                        null,
                        "{}",
                        CustomerEvent.DEFAULT_TENANT));
    }

    private static SourcedEvent deleteOf(String messageId, String device) {
        return new SourcedEvent(
                "visitor",
                new CustomerEvent(
                        messageId,
                        "delete",
                        null,
                        EVENT_TIME,
                        List.of(new Identifier("device_id", device)),
                        null,
                        "{}",
                        CustomerEvent.DEFAULT_TENANT));
    }
}
