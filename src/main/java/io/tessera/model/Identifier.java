package io.tessera.model;

import java.util.Objects;

/**
 * One identifier of a person, typed ({@code user_id}, {@code email}, ...) and already normalised. A
 * POJO class rather than a record: Flink builds records through a slow path on every read, and
 * identifiers are read with every event.
 */
public final class Identifier {
    /** The identifier type, lower case (see {@link IdentifierTypes}). */
    public String type;

    /** The normalised value. */
    public String value;

    /** A POJO needs a public no-argument constructor. */
    public Identifier() {}

    /** An identifier of a type. */
    public Identifier(String type, String value) {
        this.type = type;
        this.value = value;
    }

    /** The identifier type. */
    public String type() {
        return type;
    }

    /** The normalised value. */
    public String value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Identifier other
                && Objects.equals(type, other.type)
                && Objects.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, value);
    }

    @Override
    public String toString() {
        return "Identifier[type=" + type + ", value=" + value + "]";
    }
}
