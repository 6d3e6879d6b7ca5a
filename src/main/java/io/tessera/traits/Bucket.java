package io.tessera.traits;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The mergeable aggregate of the events of one time bucket (or of a whole lifetime): counts, sums,
 * extremes, first and last values, and value frequencies. Two buckets merge by adding and taking
 * extremes, so merging two profiles' buckets equals aggregating the union of their events.
 */
public class Bucket {
    public long count;
    public double sum;
    public Double min;
    public Double max;

    /** Event time and value (compact JSON) of the first and last event; value ties by text. */
    public long firstTime = Long.MAX_VALUE;

    public String firstValue;
    public long lastTime = Long.MIN_VALUE;
    public String lastValue;

    /** How often each value was seen (most frequent, unique values, active days). */
    public Map<String, Long> values = new TreeMap<>();

    /** A POJO needs a public no-argument constructor. */
    public Bucket() {}

    /** Adds one event's number (or null) and value (or null) at an event time. */
    public void add(long time, Double number, String value) {
        count++;
        if (number != null) {
            sum += number;
            min = min == null ? number : Math.min(min, number);
            max = max == null ? number : Math.max(max, number);
        }
        if (value != null) {
            values.merge(value, 1L, Long::sum);
            if (time < firstTime || time == firstTime && value.compareTo(firstValue) < 0) {
                firstTime = time;
                firstValue = value;
            }
            if (time > lastTime || time == lastTime && value.compareTo(lastValue) > 0) {
                lastTime = time;
                lastValue = value;
            }
        }
    }

    /** Adds another bucket of the same span into this one. */
    public void merge(Bucket other) {
        count += other.count;
        sum += other.sum;
        if (other.min != null) {
            min = min == null ? other.min : Math.min(min, other.min);
        }
        if (other.max != null) {
            max = max == null ? other.max : Math.max(max, other.max);
        }
        if (other.firstValue != null) {
            if (firstValue == null
                    || other.firstTime < firstTime
                    || other.firstTime == firstTime && other.firstValue.compareTo(firstValue) < 0) {
                firstTime = other.firstTime;
                firstValue = other.firstValue;
            }
        }
        if (other.lastValue != null) {
            if (lastValue == null
                    || other.lastTime > lastTime
                    || other.lastTime == lastTime && other.lastValue.compareTo(lastValue) > 0) {
                lastTime = other.lastTime;
                lastValue = other.lastValue;
            }
        }
        other.values.forEach((value, n) -> values.merge(value, n, Long::sum));
    }

    /** A deep copy, field by field. */
    public Bucket copy() {
        Bucket copy = new Bucket();
        copy.count = count;
        copy.sum = sum;
        copy.min = min;
        copy.max = max;
        copy.firstTime = firstTime;
        copy.firstValue = firstValue;
        copy.lastTime = lastTime;
        copy.lastValue = lastValue;
        copy.values = new TreeMap<>(values);
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bucket b
                && count == b.count
                && Double.compare(sum, b.sum) == 0
                && Objects.equals(min, b.min)
                && Objects.equals(max, b.max)
                && firstTime == b.firstTime
                && Objects.equals(firstValue, b.firstValue)
                && lastTime == b.lastTime
                && Objects.equals(lastValue, b.lastValue)
                && values.equals(b.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(count, sum, values);
    }
}
