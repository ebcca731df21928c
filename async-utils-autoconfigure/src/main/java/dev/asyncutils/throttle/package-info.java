/**
 * {@code @Throttle}: a lock-free token bucket per instance name, with waiting that never
 * blocks a thread for asynchronous methods, and its programmatic twin
 * {@link dev.asyncutils.throttle.ThrottleRegistry}.
 */
@NullMarked
package dev.asyncutils.throttle;

import org.jspecify.annotations.NullMarked;
