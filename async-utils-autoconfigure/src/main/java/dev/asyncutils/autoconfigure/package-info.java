/**
 * Spring Boot auto-configuration of async-utils, its {@code async-utils.*} properties and
 * the failure analyzer that reports bad configuration at startup.
 */
@NullMarked
package dev.asyncutils.autoconfigure;

import org.jspecify.annotations.NullMarked;
