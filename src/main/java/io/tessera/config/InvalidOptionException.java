package io.tessera.config;

/** A {@code cdp.*} option has a value the job cannot run with; the message names the option. */
public final class InvalidOptionException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** An error about the option with the given key. */
    public InvalidOptionException(String key, String problem) {
        super("Invalid option " + key + ": " + problem);
    }
}
