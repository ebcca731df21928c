/**
 * Where the state of a shared throttle or bounded instance lives: in this JVM
 * ({@code backend: local}, the default) or in a remote store that every JVM using the
 * same name shares ({@code backend: redis}, provided by the {@code async-utils-redis}
 * module). This package holds the SPI such a module implements and the settings every
 * remote backend shares.
 */
@NullMarked
package dev.asyncutils.backend;

import org.jspecify.annotations.NullMarked;
