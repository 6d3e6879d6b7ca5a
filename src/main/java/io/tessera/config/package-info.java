/**
 * What every stage's options share: the checks of a value ({@link io.tessera.config.Checks}) and
 * the error that names a bad option ({@link io.tessera.config.InvalidOptionException}). A leaf: the
 * stages declare their own {@code cdp.*} options beside their code, and {@link
 * io.tessera.TesseraConfig} assembles them.
 */
package io.tessera.config;
