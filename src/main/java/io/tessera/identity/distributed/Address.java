package io.tessera.identity.distributed;

/**
 * Where a message goes: an actor and its key (an identifier, an event id, or a cluster id as {@link
 * ClusterId#toString()}).
 */
public record Address(Actor actor, String key) implements java.io.Serializable {
    public static Address directory(String identifier) {
        return new Address(Actor.DIRECTORY, identifier);
    }

    public static Address gather(String eventId) {
        return new Address(Actor.GATHER, eventId);
    }

    public static Address cluster(ClusterId id) {
        return new Address(Actor.CLUSTER, id.toString());
    }
}
