package io.tessera.sequences;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.shaded.guava33.com.google.common.cache.AbstractCache;
import org.apache.flink.shaded.guava33.com.google.common.cache.CacheStats;

/**
 * What Flink CEP's shared buffer takes for the Guava cache it keeps in front of each of its two
 * maps, when the map is a part of a profile's one value ({@link CepProfileState}): no cache, every
 * entry put goes straight to the map, and every lookup misses, so the shared buffer reads the map.
 * The value is decoded once per element and timer already, so a cache only added its bookkeeping:
 * with no slots, Guava still took every entry in, evicted it at once and handed it to a removal
 * listener that wrote it to the map (37 % of the sequences' task in a JFR recording).
 *
 * <p>The shared buffer uses a cache's {@code put}, {@code getIfPresent}, {@code invalidate}, {@code
 * invalidateAll}, {@code asMap} (to flush it, always empty here) and {@code stats} (logged).
 */
final class WriteThroughCache<K, V> extends AbstractCache<K, V> {
    /** Never written: the cache holds nothing. */
    private final ConcurrentMap<K, V> none = new ConcurrentHashMap<>();

    private final MapState<K, V> map;

    WriteThroughCache(MapState<K, V> map) {
        this.map = map;
    }

    @Override
    public V getIfPresent(Object key) {
        return null;
    }

    @Override
    public void put(K key, V value) {
        try {
            map.put(key, value);
        } catch (Exception e) {
            throw new IllegalStateException("CEP's shared buffer cannot write " + key, e);
        }
    }

    @Override
    public void invalidate(Object key) {
        // nothing is kept: the shared buffer removes the entry from its map itself
    }

    @Override
    public void invalidateAll() {
        // nothing is kept
    }

    @Override
    public long size() {
        return 0;
    }

    @Override
    public ConcurrentMap<K, V> asMap() {
        return none;
    }

    @Override
    public CacheStats stats() {
        return new CacheStats(0, 0, 0, 0, 0, 0);
    }
}
