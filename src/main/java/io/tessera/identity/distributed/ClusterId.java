package io.tessera.identity.distributed;

import java.io.Serializable;

/**
 * A cluster's (profile's) id: its creation time and the identifier that founded it. Immutable and
 * totally ordered, so every actor agrees which of two clusters is older: merges go from the larger
 * id to the smaller, forward chains strictly decrease and never cycle.
 *
 * @param createdAt event time of the event that created it
 * @param founder the founding identifier as {@code type:value}
 */
public record ClusterId(long createdAt, String founder)
        implements Comparable<ClusterId>, Serializable {

    @Override
    public int compareTo(ClusterId other) {
        int byTime = Long.compare(createdAt, other.createdAt);
        return byTime != 0 ? byTime : founder.compareTo(other.founder);
    }

    /** The id of its text form, {@code createdAt/founder}. */
    public static ClusterId parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 1) {
            throw new IllegalArgumentException("not a cluster id: " + text);
        }
        return new ClusterId(Long.parseLong(text.substring(0, slash)), text.substring(slash + 1));
    }

    /** The smaller (older) of two ids. */
    public static ClusterId min(ClusterId a, ClusterId b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** The larger (younger) of two ids. */
    public static ClusterId max(ClusterId a, ClusterId b) {
        return a.compareTo(b) <= 0 ? b : a;
    }

    /** The founder's identifier type. */
    public String founderType() {
        return founder.substring(0, founder.indexOf(':'));
    }

    @Override
    public String toString() {
        return createdAt + "/" + founder;
    }
}
