package io.tessera.sequences;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.flink.api.common.state.ValueState;

/**
 * All of a profile's state in one sequence's CEP operator as one value: CEP's NFA state (its
 * partial matches) and its four maps (the events waiting for the watermark, the count of events per
 * timestamp, the shared buffer's events and nodes). Flink's CEP keeps these as five states, so a
 * profile with open partial matches had four or five RocksDB entries per sequence, each carrying
 * the profile id in its key, and each timer read and wrote them one by one. Here they are one
 * entry, read once when the operator turns to a profile and written once when it is done with it
 * ({@link #flush}).
 *
 * <p>CEP is given a {@link ValueState} per part ({@link #part}), whose reads and writes go to the
 * decoded value kept here. The value's form is {@link CepProfileStateSerializer}'s.
 */
final class CepProfileState {
    /** The name of the value state; part of the savepoint format. */
    static final String NAME = "tessera-cep-state";

    /** The parts, in the value's order: CEP's NFA state, then its four maps. */
    static final int NFA = 0;

    static final int EVENTS_COUNT = 1;
    static final int EVENT_QUEUE = 2;
    static final int SHARED_EVENTS = 3;
    static final int SHARED_NODES = 4;
    static final int PARTS = 5;

    private final Supplier<Object> currentKey;

    /** The state, set once it is registered (after CEP asked for its parts). */
    private ValueState<Object[]> stored;

    /** The key whose value is kept decoded, and that value; none when {@link #cached} is null. */
    private Object cachedKey;

    private Object[] cached;

    /** Whether {@link #cached} changed since it was read or written back. */
    private boolean dirty;

    CepProfileState(Supplier<Object> currentKey) {
        this.currentKey = currentKey;
    }

    void storedIn(ValueState<Object[]> state) {
        this.stored = state;
    }

    /** The current profile's part as a value state: what CEP reads and writes. */
    <T> ValueState<T> part(int index) {
        return new ValueState<>() {
            @Override
            @SuppressWarnings("unchecked")
            public T value() throws IOException {
                return (T) read()[index];
            }

            @Override
            public void update(T value) throws IOException {
                read()[index] = value;
                dirty = true;
            }

            @Override
            public void clear() {
                try {
                    read()[index] = null;
                } catch (IOException e) {
                    throw new UncheckedIOException("CEP's state cannot be read", e);
                }
                dirty = true;
            }
        };
    }

    private Object[] read() throws IOException {
        Object key = currentKey.get();
        if (cached == null || !key.equals(cachedKey)) {
            if (dirty) {
                throw new IllegalStateException(
                        "CEP's state of "
                                + cachedKey
                                + " changed and was not written back before "
                                + key
                                + "'s was read");
            }
            Object[] value = stored.value();
            cached = value == null ? new Object[PARTS] : value;
            cachedKey = key;
        }
        return cached;
    }

    /** Writes the current profile's value back if it changed; none is kept when it is empty. */
    void flush() throws IOException {
        if (!dirty) {
            return;
        }
        if (!cachedKey.equals(currentKey.get())) {
            throw new IllegalStateException(
                    "CEP's state of "
                            + cachedKey
                            + " changed but the current key is now "
                            + currentKey.get());
        }
        dirty = false;
        if (isEmpty(cached)) {
            stored.clear();
        } else {
            stored.update(cached);
        }
    }

    /**
     * Drops the value kept decoded; the next access reads the state (after a snapshot, a heap
     * backend may share the stored value with it, and hands out a copy).
     *
     * @throws IllegalStateException when a change was not written back: it would be lost
     */
    void forget() {
        if (dirty) {
            throw new IllegalStateException(
                    "a change of CEP's state of " + cachedKey + " was not written back");
        }
        cachedKey = null;
        cached = null;
    }

    /** True when no part holds anything: a profile without partial matches or waiting events. */
    static boolean isEmpty(Object[] parts) {
        for (int i = 0; i < PARTS; i++) {
            Object part = parts[i];
            if (part instanceof Map<?, ?> map ? !map.isEmpty() : part != null) {
                return false;
            }
        }
        return true;
    }
}
