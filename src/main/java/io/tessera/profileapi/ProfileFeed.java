package io.tessera.profileapi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code cdp.profiles} and {@code cdp.profile-merges} (read committed) into the {@link
 * ProfileStore}, from the offsets stored with it (the beginning for a new store). Every partition
 * is assigned to this one reader: no consumer group, the store's offsets are the committed ones.
 */
final class ProfileFeed implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProfileFeed.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long LAG_EVERY_MILLIS = 1_000;

    private final ProfileStore store;
    private final String profilesTopic;
    private final String mergesTopic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ApiMetrics metrics;
    private final Map<TopicPartition, Long> endAtStart = new HashMap<>();
    private final Map<TopicPartition, Long> lastTimestamp = new HashMap<>();
    private final AtomicLong applied = new AtomicLong();
    private volatile boolean ready;
    private volatile boolean stopped;
    private volatile Throwable failure;

    ProfileFeed(
            ProfileStore store,
            String bootstrapServers,
            Map<String, String> clientProperties,
            String profilesTopic,
            String mergesTopic,
            ApiMetrics metrics) {
        this.store = store;
        this.profilesTopic = profilesTopic;
        this.mergesTopic = mergesTopic;
        this.metrics = metrics;
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "tessera-profile-api");
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumer =
                new KafkaConsumer<>(
                        properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Whether the store has caught up with the end of both topics as they were at start. */
    boolean ready() {
        return ready;
    }

    /** The error that stopped reading, or null while it reads. */
    Throwable failure() {
        return failure;
    }

    /** Records applied since start. */
    long applied() {
        return applied.get();
    }

    @Override
    public void run() {
        try {
            List<TopicPartition> partitions = new ArrayList<>(partitionsOf(profilesTopic));
            partitions.addAll(partitionsOf(mergesTopic));
            consumer.assign(partitions);
            Map<String, Long> stored = store.offsets();
            for (TopicPartition partition : partitions) {
                Long offset = stored.get(name(partition));
                if (offset == null) {
                    consumer.seekToBeginning(List.of(partition));
                } else {
                    consumer.seek(partition, offset);
                }
            }
            endAtStart.putAll(consumer.endOffsets(partitions));
            LOG.info(
                    "Profile API reading {} partitions of {} and {} from {} stored offsets",
                    partitions.size(),
                    profilesTopic,
                    mergesTopic,
                    stored.size());
            long lagAt = 0;
            while (!stopped) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    apply(record);
                }
                long now = System.currentTimeMillis();
                if (!ready || now - lagAt >= LAG_EVERY_MILLIS) {
                    measureLag(partitions, now);
                    lagAt = now;
                }
            }
        } catch (WakeupException e) {
            if (!stopped) {
                failure = e;
                LOG.error("Profile API stopped reading: woken up unexpectedly", e);
            }
        } catch (RuntimeException | RocksDBException | IOException e) {
            failure = e;
            LOG.error("Profile API stopped reading {} and {}", profilesTopic, mergesTopic, e);
        } finally {
            consumer.close();
        }
    }

    private List<TopicPartition> partitionsOf(String topic) throws IOException {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IOException(
                    "topic " + topic + " does not exist (the job creates it, or see the README)");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        return partitions;
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) throws RocksDBException, IOException {
        String partition = record.topic() + "/" + record.partition();
        lastTimestamp.put(
                new TopicPartition(record.topic(), record.partition()), record.timestamp());
        if (record.key() == null) {
            skip(record, partition, "it has no key");
            return;
        }
        String key = new String(record.key(), StandardCharsets.UTF_8);
        if (record.topic().equals(profilesTopic)) {
            if (record.value() == null) {
                store.deleteProfile(key, partition, record.offset());
            } else {
                ProfileDocument document;
                try {
                    document = ProfileDocument.parse(record.value());
                } catch (IOException e) {
                    skip(record, partition, "it is not a profile snapshot: " + e.getMessage());
                    return;
                }
                store.putProfile(key, record.value(), document, partition, record.offset());
            }
        } else if (record.value() == null) {
            store.deleteAlias(key, partition, record.offset());
        } else {
            String winner;
            try {
                winner = MergeRecord.winner(record.value());
            } catch (IOException e) {
                skip(record, partition, "it is not a merge record: " + e.getMessage());
                return;
            }
            store.putAlias(key, winner, partition, record.offset());
        }
        applied.incrementAndGet();
        metrics.applied();
    }

    private void skip(ConsumerRecord<byte[], byte[]> record, String partition, String why)
            throws RocksDBException {
        // where the record is, never what it holds (identifiers stay out of logs)
        LOG.warn(
                "Profile API passed over the record at {} offset {}: {}",
                partition,
                record.offset(),
                why);
        metrics.skipped();
        store.skip(partition, record.offset());
    }

    private void measureLag(List<TopicPartition> partitions, long now) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<String, long[]> byTopic = new HashMap<>();
        boolean caughtUp = true;
        for (TopicPartition partition : partitions) {
            long position = consumer.position(partition);
            long behind = Math.max(0, ends.getOrDefault(partition, position) - position);
            long[] lag = byTopic.computeIfAbsent(partition.topic(), t -> new long[2]);
            lag[0] += behind;
            if (behind > 0) {
                Long last = lastTimestamp.get(partition);
                lag[1] = Math.max(lag[1], last == null ? 0 : Math.max(0, now - last));
            }
            caughtUp &= position >= endAtStart.getOrDefault(partition, 0L);
        }
        byTopic.forEach((topic, lag) -> metrics.lag(topic, lag[0], lag[1]));
        if (caughtUp && !ready) {
            ready = true;
            LOG.info("Profile API caught up ({} records applied): ready", applied.get());
        }
    }

    private static String name(TopicPartition partition) {
        return partition.topic() + "/" + partition.partition();
    }

    @Override
    public void close() {
        stopped = true;
        consumer.wakeup();
    }
}
