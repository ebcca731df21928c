/**
 * The admission engine: the one answer to "may this call start now, later, or never?"
 * that {@code @Throttle} and {@code @Bounded} (local or in a remote store), and later a
 * circuit breaker and keyed limits, give through {@link Admission}; one invoker per
 * return kind runs every such guard ({@link AdmissionInvokers}).
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
