/**
 * Cluster-wide {@code @Throttle} and {@code @Bounded}: instances configured with
 * {@code backend: redis} keep their state in Redis, through the Lettuce client Spring
 * Boot builds from {@code spring.data.redis.*}.
 */
@NullMarked
package dev.asyncutils.redis;

import org.jspecify.annotations.NullMarked;
