/**
 * A runnable tour of async-utils: an annotated client of a flaky in-process service.
 */
@NullMarked
package dev.asyncutils.samples;

import org.jspecify.annotations.NullMarked;
