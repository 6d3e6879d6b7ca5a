package io.tessera.sequences;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.MapSerializer;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;

/**
 * A map state kept as one small value per key instead of one RocksDB entry per map key, for maps
 * that hold an entry or two at a time and are read whole or emptied often. Two of Flink CEP's map
 * states are keyed by timestamp and hold only the timestamps not yet behind the watermark: its
 * buffer of events waiting for the watermark ({@code eventQueuesStateName}) and its shared buffer's
 * count of events per timestamp ({@code sharedBuffer-events-count}). CEP adds an entry for each
 * event it takes and removes it at the next timer; as a map state in RocksDB that is a put and a
 * delete per event, and at every timer seeks (listing the buffer's timestamps; iterating, testing
 * and clearing the counts) that walk over every deletion not compacted yet: CEP's largest cost. As
 * parts of one value those are point reads, and a write when they change. CEP's shared buffer, the
 * events and nodes of a profile's open partial matches, is kept the same way: a map the size of the
 * profile's partial matches, which CEP's NFA state already is, instead of two RocksDB entries per
 * event held ({@link SequenceCepOperator}, {@link CepProfileState}). The profile view keeps a
 * profile's sequence memberships the same way ({@link ProfileViewFunction}).
 *
 * @param <K> the map's keys
 * @param <V> its values
 */
final class OneValueMapState<K, V> implements MapState<K, V> {
    /** The value state that keeps the map state of the given descriptor. */
    static <K, V> ValueStateDescriptor<Map<K, V>> descriptor(
            String name, MapStateDescriptor<K, V> map) {
        return new ValueStateDescriptor<>(
                name, new MapSerializer<>(map.getKeySerializer(), map.getValueSerializer()));
    }

    /**
     * Moves what a savepoint kept in a map state of the old layout into the value each key keeps,
     * and clears the map state.
     *
     * @param old the map state as it was written
     * @param kept the name of the value state that keeps it now
     * @return how many keys had entries
     */
    static <K, V> int moveFromMapState(
            KeyedStateBackend<String> backend,
            KeyedStateStore store,
            MapStateDescriptor<K, V> old,
            String kept)
            throws Exception {
        MapStateDescriptor<K, V> written =
                new MapStateDescriptor<>(
                        old.getName(), old.getKeySerializer(), old.getValueSerializer());
        MapState<K, V> entries =
                backend.getPartitionedState(
                        VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, written);
        List<String> keys;
        try (Stream<String> stream = backend.getKeys(old.getName(), VoidNamespace.INSTANCE)) {
            keys = stream.toList();
        }
        OneValueMapState<K, V> value =
                new OneValueMapState<>(store.getState(descriptor(kept, old)));
        for (String key : keys) {
            backend.setCurrentKey(key);
            for (Map.Entry<K, V> entry : entries.entries()) {
                value.put(entry.getKey(), entry.getValue());
            }
            entries.clear();
        }
        return keys.size();
    }

    private final ValueState<Map<K, V>> state;

    /**
     * A map state over a value state: every access reads the value and every change writes it. For
     * CEP's maps the value state is a part of the profile's one value ({@link CepProfileState}),
     * which keeps it decoded and writes it back once per element and timer, so reading and writing
     * it here costs no decoding.
     */
    OneValueMapState(ValueState<Map<K, V>> state) {
        this.state = state;
    }

    private Map<K, V> read() throws Exception {
        Map<K, V> map = state.value();
        return map == null ? new HashMap<>() : map;
    }

    private void write(Map<K, V> map) throws Exception {
        if (map.isEmpty()) {
            state.clear();
        } else {
            state.update(map);
        }
    }

    @Override
    public V get(K key) throws Exception {
        return read().get(key);
    }

    @Override
    public void put(K key, V value) throws Exception {
        Map<K, V> map = read();
        map.put(key, value);
        write(map);
    }

    @Override
    public void putAll(Map<K, V> entries) throws Exception {
        Map<K, V> map = read();
        map.putAll(entries);
        write(map);
    }

    @Override
    public void remove(K key) throws Exception {
        Map<K, V> map = read();
        if (map.remove(key) != null) {
            write(map);
        }
    }

    @Override
    public boolean contains(K key) throws Exception {
        return get(key) != null;
    }

    @Override
    public Iterable<Map.Entry<K, V>> entries() throws Exception {
        // pairs of their own: a map's entries change with it, and the map may be kept
        return read().entrySet().stream()
                .<Map.Entry<K, V>>map(e -> new AbstractMap.SimpleImmutableEntry<>(e))
                .toList();
    }

    @Override
    public Iterable<K> keys() throws Exception {
        Map<K, V> map = read();
        List<K> keys = new ArrayList<>(map.keySet());
        // CEP removes through the iterator: the map read once, written back at each removal
        return () ->
                new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < keys.size();
                    }

                    @Override
                    public K next() {
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
                            throw new IllegalStateException("CEP's map state cannot be written", e);
                        }
                    }
                };
    }

    @Override
    public Iterable<V> values() throws Exception {
        return List.copyOf(read().values());
    }

    @Override
    public Iterator<Map.Entry<K, V>> iterator() throws Exception {
        return entries().iterator();
    }

    @Override
    public boolean isEmpty() throws Exception {
        return read().isEmpty();
    }

    @Override
    public void clear() {
        state.clear();
    }
}
