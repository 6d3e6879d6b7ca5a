package io.tessera.sequences;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.MapSerializer;

/**
 * Flink CEP's count of the events it registered per timestamp (its shared buffer's {@code
 * sharedBuffer-events-count}), kept as one small value per profile instead of one map entry per
 * timestamp. CEP adds an entry for each event it takes and drops the entries behind the time it
 * advances to, at every timer: as a map state in RocksDB that is a put and a delete per event, and
 * three seeks per timer (iterate, {@code isEmpty}, {@code clear}) that walk over every deletion not
 * compacted yet. As one value (an entry or two at a time: the timestamps not yet behind the
 * watermark) each of those is a point read, and a write when it changes.
 */
final class EventsCountState implements MapState<Long, Integer> {
    /** The name of the value state; part of the savepoint format. */
    static final String NAME = "tessera-events-count";

    static ValueStateDescriptor<Map<Long, Integer>> descriptor() {
        return new ValueStateDescriptor<>(
                NAME, new MapSerializer<>(LongSerializer.INSTANCE, IntSerializer.INSTANCE));
    }

    private final ValueState<Map<Long, Integer>> counts;

    EventsCountState(ValueState<Map<Long, Integer>> counts) {
        this.counts = counts;
    }

    private Map<Long, Integer> read() throws Exception {
        Map<Long, Integer> map = counts.value();
        return map == null ? new HashMap<>() : map;
    }

    private void write(Map<Long, Integer> map) throws Exception {
        if (map.isEmpty()) {
            counts.clear();
        } else {
            counts.update(map);
        }
    }

    @Override
    public Integer get(Long key) throws Exception {
        Map<Long, Integer> map = counts.value();
        return map == null ? null : map.get(key);
    }

    @Override
    public void put(Long key, Integer value) throws Exception {
        Map<Long, Integer> map = read();
        map.put(key, value);
        write(map);
    }

    @Override
    public void putAll(Map<Long, Integer> entries) throws Exception {
        Map<Long, Integer> map = read();
        map.putAll(entries);
        write(map);
    }

    @Override
    public void remove(Long key) throws Exception {
        Map<Long, Integer> map = read();
        if (map.remove(key) != null) {
            write(map);
        }
    }

    @Override
    public boolean contains(Long key) throws Exception {
        return get(key) != null;
    }

    @Override
    public Iterable<Map.Entry<Long, Integer>> entries() throws Exception {
        return List.copyOf(read().entrySet());
    }

    @Override
    public Iterable<Long> keys() throws Exception {
        Map<Long, Integer> map = read();
        List<Long> keys = new ArrayList<>(map.keySet());
        // CEP removes through the iterator: the map read once, written back at each removal
        return () ->
                new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < keys.size();
                    }

                    @Override
                    public Long next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        return keys.get(next++);
                    }

                    @Override
                    public void remove() {
                        if (next == 0) {
                            throw new IllegalStateException("remove before next");
                        }
                        map.remove(keys.get(next - 1));
                        try {
                            write(map);
                        } catch (Exception e) {
                            throw new IllegalStateException(
                                    "CEP's events count cannot be written", e);
                        }
                    }
                };
    }

    @Override
    public Iterable<Integer> values() throws Exception {
        return List.copyOf(read().values());
    }

    @Override
    public Iterator<Map.Entry<Long, Integer>> iterator() throws Exception {
        return entries().iterator();
    }

    @Override
    public boolean isEmpty() throws Exception {
        Map<Long, Integer> map = counts.value();
        return map == null || map.isEmpty();
    }

    @Override
    public void clear() {
        counts.clear();
    }
}
