package io.tessera.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.connect.KafkaSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Reads the job's committed outputs back from Kafka while the demo runs: accepted events, dead
 * letters, profiles (as the compacted topic holds them), merges and rejected links.
 */
final class DemoOutputs implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final AtomicLong accepted = new AtomicLong();
    final Map<String, Long> deadLettersByReason = new ConcurrentSkipListMap<>();
    final Map<String, JsonNode> profiles = new ConcurrentHashMap<>();
    final AtomicLong merges = new AtomicLong();
    final AtomicLong rejectedLinks = new AtomicLong();
    final AtomicLong transitions = new AtomicLong();
    final ConcurrentLinkedQueue<String> news = new ConcurrentLinkedQueue<>();
    volatile String deadLetterSample;

    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread reader;

    DemoOutputs(EmbeddedKafka kafka, KafkaSettings topics, String acceptedTopic) {
        reader = new Thread(() -> read(kafka, topics, acceptedTopic), "demo-outputs");
        reader.start();
    }

    long deadLetters() {
        return deadLettersByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The live profiles holding the most identifiers, largest first. */
    List<JsonNode> largestProfiles(int count) {
        List<JsonNode> all = new ArrayList<>(profiles.values());
        all.sort(
                Comparator.comparingInt((JsonNode p) -> identifierCount(p))
                        .reversed()
                        .thenComparing(p -> p.get("id").asText()));
        return all.subList(0, Math.min(count, all.size()));
    }

    static int identifierCount(JsonNode profile) {
        int count = 0;
        for (JsonNode values : profile.get("identifiers")) {
            count += values.size();
        }
        return count;
    }

    private void read(EmbeddedKafka kafka, KafkaSettings topics, String acceptedTopic) {
        try (KafkaConsumer<byte[], byte[]> acceptedReader = kafka.committedReader(acceptedTopic);
                KafkaConsumer<byte[], byte[]> dlq = kafka.committedReader(topics.eventsDlqTopic());
                KafkaConsumer<byte[], byte[]> profileReader =
                        kafka.committedReader(topics.profilesTopic());
                KafkaConsumer<byte[], byte[]> mergeReader =
                        kafka.committedReader(topics.profileMergesTopic());
                KafkaConsumer<byte[], byte[]> rejectedReader =
                        kafka.committedReader(topics.rejectedLinksTopic());
                KafkaConsumer<byte[], byte[]> transitionReader =
                        kafka.committedReader(topics.audienceTransitionsTopic())) {
            while (!stop.get()) {
                accepted.addAndGet(acceptedReader.poll(Duration.ofMillis(100)).count());
                transitions.addAndGet(transitionReader.poll(Duration.ofMillis(100)).count());
                for (ConsumerRecord<byte[], byte[]> r : dlq.poll(Duration.ofMillis(100))) {
                    JsonNode deadLetter = JSON.readTree(r.value());
                    String reason = deadLetter.get("reason").asText();
                    deadLettersByReason.merge(reason, 1L, Long::sum);
                    if (deadLetterSample == null && !"too_large".equals(reason)) {
                        deadLetterSample = deadLetter.toString();
                    }
                }
                for (ConsumerRecord<byte[], byte[]> r :
                        profileReader.poll(Duration.ofMillis(100))) {
                    String id = new String(r.key(), StandardCharsets.UTF_8);
                    if (r.value() == null) {
                        profiles.remove(id);
                    } else {
                        profiles.put(id, JSON.readTree(r.value()));
                    }
                }
                for (ConsumerRecord<byte[], byte[]> r : mergeReader.poll(Duration.ofMillis(100))) {
                    JsonNode merge = JSON.readTree(r.value());
                    merges.incrementAndGet();
                    news.add(
                            "merge  "
                                    + merge.get("loser").asText()
                                    + " -> "
                                    + merge.get("winner").asText()
                                    + "  ("
                                    + merge.get("reason").asText()
                                    + ")");
                }
                for (ConsumerRecord<byte[], byte[]> r :
                        rejectedReader.poll(Duration.ofMillis(100))) {
                    JsonNode link = JSON.readTree(r.value());
                    rejectedLinks.incrementAndGet();
                    news.add(
                            "reject "
                                    + link.at("/identifier/type").asText()
                                    + " kept out of "
                                    + link.get("profileId").asText()
                                    + "  ("
                                    + link.get("rule").asText()
                                    + ": "
                                    + link.get("detail").asText()
                                    + ")");
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("the job's outputs could not be read", e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        reader.join();
    }
}
