/**
 * The small invocation core every capability plugs into: one advisor per bean, a policy
 * chain resolved once per method at startup, the shared scheduler, and the configuration
 * error every capability reports bad input with.
 */
@NullMarked
package dev.asyncutils.core;

import org.jspecify.annotations.NullMarked;
