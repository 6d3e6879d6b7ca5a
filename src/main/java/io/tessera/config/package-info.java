/**
 * The job's options: typed {@code cdp.*} {@code ConfigOption}s declared beside their stages, read
 * once from arguments or a YAML file into an immutable, validated {@link
 * io.tessera.config.TesseraConfig}.
 */
package io.tessera.config;
