/**
 * Spring application events of async-utils: receive them with {@code @EventListener}
 * methods. None is published for a call that succeeds at once; each is published on the
 * thread where the thing happened, before the caller sees its outcome.
 */
@NullMarked
package dev.asyncutils.event;

import org.jspecify.annotations.NullMarked;
