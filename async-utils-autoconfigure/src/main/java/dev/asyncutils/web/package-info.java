/**
 * Web applications: our rejections and timeouts that reach Spring MVC or WebFlux
 * unhandled become RFC 9457 problem responses (429, 503, 504) instead of a 500.
 */
@NullMarked
package dev.asyncutils.web;

import org.jspecify.annotations.NullMarked;
