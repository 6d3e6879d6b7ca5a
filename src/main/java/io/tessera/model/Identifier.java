package io.tessera.model;

/**
 * One identifier of a person, typed ({@code user_id}, {@code email}, ...) and already normalised.
 *
 * @param type the identifier type, lower case (see {@link IdentifierTypes})
 * @param value the normalised value
 */
public record Identifier(String type, String value) {}
