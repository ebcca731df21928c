/**
 * Observability of async-utils beyond counters: Micrometer timers and exception-tagged
 * counters bound to the instances' recorders, application events and observations.
 */
@NullMarked
package dev.asyncutils.observe;

import org.jspecify.annotations.NullMarked;
