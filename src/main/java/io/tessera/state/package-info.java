/**
 * What the stages' compact state forms share: a serializer base and its type information, zig-zag
 * varints, and the serializer snapshot through which a savepoint of the POJO form a release wrote
 * before is migrated to a compact one.
 */
package io.tessera.state;
