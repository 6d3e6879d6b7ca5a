package io.tessera.profile;

/**
 * Event-time timers of single profiles inside a key that holds many (single identity mode keys a
 * whole tenant): each timer names its profile, so a wake-up finds what is due without a list of the
 * profiles due at each time, which every event would have to read and rewrite. Kept by {@link
 * DefinitionsBroadcast}'s operator in their own timer service; a firing one reaches the function's
 * {@code onTimer} like any other, with {@link #firing()} naming its profile.
 */
public interface ProfileTimers {
    /** Arms a wake-up of the profile, under the current key; one per profile and time. */
    void register(String profileId, long time);

    /** Removes a wake-up armed before (nothing if there is none). */
    void delete(String profileId, long time);

    /** The profile whose wake-up is firing, or null while another kind of timer fires. */
    String firing();
}
