package io.tessera.identity.distributed;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The events inside the distributed protocol, counted by event time: an event enters when the route
 * sends it, and leaves when a cluster credits it (or drops it, erased in flight). The sequence
 * audiences' event time stays below the earliest event still inside ({@link InFlightWatermarks}),
 * so an event that crosses the loop is never late for them, however fast event time runs.
 *
 * <p>The counts of one time may go below zero for a moment (a leaving is heard before the entering,
 * over another channel): such a time holds nothing back. A time whose events stay inside longer
 * than the patience given is given up (an event lost to a defect would hold the sequences back
 * forever otherwise), and counted.
 */
public final class InFlight {
    /** By event time: {events inside, the clock when the count last went above zero}. */
    private final TreeMap<Long, long[]> byTime = new TreeMap<>();

    /** Adds {@code delta} events (negative: leaving) at {@code time}, seen on the clock at now. */
    public void add(long time, long delta, long now) {
        if (delta == 0) {
            return;
        }
        long[] entry = byTime.get(time);
        if (entry == null) {
            byTime.put(time, new long[] {delta, now});
            return;
        }
        long before = entry[0];
        entry[0] += delta;
        if (entry[0] == 0) {
            byTime.remove(time);
        } else if (before <= 0 && entry[0] > 0) {
            entry[1] = now;
        }
    }

    /** The earliest time with an event inside, or {@link Long#MAX_VALUE} when there is none. */
    public long earliest() {
        for (Map.Entry<Long, long[]> entry : byTime.entrySet()) {
            if (entry.getValue()[0] > 0) {
                return entry.getKey();
            }
        }
        return Long.MAX_VALUE;
    }

    /**
     * Gives up the times whose events have been inside since before {@code cutoff} on the clock.
     *
     * @return how many events were given up
     */
    public long giveUpSince(long cutoff) {
        long given = 0;
        Iterator<long[]> entries = byTime.values().iterator();
        while (entries.hasNext()) {
            long[] entry = entries.next();
            if (entry[0] > 0 && entry[1] < cutoff) {
                given += entry[0];
                entries.remove();
            }
        }
        return given;
    }

    /**
     * Forgets the times up to {@code time} that more events left than entered: every entering up to
     * a watermark is counted before it, so they stay unbalanced (events that entered before the
     * counting began, as when a job restored from an older release counts them out).
     */
    public void forgetUnbalancedUpTo(long time) {
        Iterator<Map.Entry<Long, long[]>> entries = byTime.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<Long, long[]> entry = entries.next();
            if (entry.getKey() > time) {
                return;
            }
            if (entry.getValue()[0] < 0) {
                entries.remove();
            }
        }
    }

    /** How many times are counted (inside or not yet balanced). */
    public int size() {
        return byTime.size();
    }

    /** The counts, as {time, events} pairs, for a checkpoint. */
    public List<long[]> counts() {
        List<long[]> counts = new ArrayList<>(byTime.size());
        byTime.forEach((time, entry) -> counts.add(new long[] {time, entry[0]}));
        return counts;
    }

    /** Restores counts taken by {@link #counts()}, as seen on the clock at now. */
    public void restore(List<long[]> counts, long now) {
        for (long[] count : counts) {
            add(count[0], count[1], now);
        }
    }
}
