/**
 * The admission engine: the one answer to "may this call start now, later, or never?"
 * that {@code @Throttle} and {@code @Bounded} (local or in a remote store, keyed or not)
 * and {@code @CircuitBreaker} give through {@link Admission}; one invoker per return kind
 * runs every such guard ({@link AdmissionInvokers}). A guard that learns from outcomes
 * (the breaker) gets each call's outcome and duration when its permit is released.
 *
 * <pre>
 * caller ─► invoker (plain | stage | Mono | Flux)
 *             │ tryAdmit()  ── lock-free, no allocation ──► Permit ─► method ─► permit.release()
 *             │ admit()     ── waits on this thread (plain) ─┘
 *             └ admitLater()── a future; cancel gives back ──► start on the scheduler
 * </pre>
 */
@NullMarked
package dev.asyncutils.core.admission;

import org.jspecify.annotations.NullMarked;
