package dev.asyncutils;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.asyncutils.guard.BoundedStep;
import dev.asyncutils.guard.CircuitBreakerStep;
import dev.asyncutils.guard.RetryStep;
import dev.asyncutils.guard.ThrottleStep;
import dev.asyncutils.guard.TimeoutStep;

/**
 * The guards of the annotations, applied to code that has no annotation: a lambda, a loop
 * body, a library callback. Built by {@link AsyncUtils#guard(String)}; immutable,
 * thread-safe and reusable. Each way of calling behaves exactly as an annotated method of
 * that return kind with the same steps: same nesting order, failures reaching the caller
 * unchanged, nothing blocking for the asynchronous kinds, and the same named instances,
 * properties, meters and actuator entries.
 *
 * <pre class="code">
 * Guard guard = asyncUtils.guard("inventory")
 *     .retry((r) -&gt; r.maxAttempts(5).delay(Duration.ofMillis(200)))
 *     .timeout((t) -&gt; t.duration(Duration.ofMillis(300)).cleanup(http::abort))
 *     .bounded((b) -&gt; b.maxConcurrent(8))
 *     .build();
 * int stock = guard.call(() -&gt; http.stock(sku));
 * </pre>
 */
public interface Guard {

	/**
	 * Return the guard's name: the instance name of every step.
	 * @return the name
	 */
	String name();

	/**
	 * Call a function through the guard on the caller's thread, like an annotated method
	 * returning a plain value.
	 * @param <T> the result type
	 * @param callable the code to guard
	 * @return its result
	 * @throws Exception the last failure, unchanged (earlier attempts' failures
	 * suppressed), or a rejection or timeout of a step
	 */
	<T extends @Nullable Object> T call(Callable<T> callable) throws Exception;

	/**
	 * Call a function through the guard, answering a final failure with a fallback, like
	 * an annotated method with {@code @Fallback} outermost.
	 * @param <T> the result type
	 * @param callable the code to guard
	 * @param fallback supplies the result from the final failure
	 * @return the result, or the fallback's
	 */
	<T extends @Nullable Object> T call(Callable<T> callable, Function<Throwable, T> fallback);

	/**
	 * Run code that returns nothing through the guard on the caller's thread, like an
	 * annotated {@code void} method.
	 * @param runnable the code to guard
	 * @throws Exception the last failure, unchanged
	 */
	void run(CheckedRunnable runnable) throws Exception;

	/**
	 * Guard an asynchronous call, like an annotated method returning a
	 * {@code CompletionStage}: nothing blocks; each attempt calls the supplier again.
	 * @param <T> the result type
	 * @param supplier starts the work and returns its stage
	 * @return a future of the result, failing with the last failure unchanged
	 */
	<T extends @Nullable Object> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> supplier);

	/**
	 * Guard a {@code Mono}, like an annotated method returning one: the steps apply per
	 * subscription, and each attempt subscribes to a new {@code Mono} from the supplier.
	 * @param <T> the element type
	 * @param supplier supplies the mono to guard
	 * @return the guarded mono
	 */
	<T> Mono<T> mono(Supplier<? extends Mono<T>> supplier);

	/**
	 * Guard a {@code Flux}, like an annotated method returning one: the steps apply per
	 * subscription.
	 * @param <T> the element type
	 * @param supplier supplies the flux to guard
	 * @return the guarded flux
	 */
	<T> Flux<T> flux(Supplier<? extends Flux<T>> supplier);

	/**
	 * Code that returns nothing and may throw, for {@link #run(CheckedRunnable)}.
	 */
	@FunctionalInterface
	interface CheckedRunnable {

		/**
		 * Run the code.
		 * @throws Exception any failure
		 */
		void run() throws Exception;

	}

	/**
	 * Builds a {@link Guard} from steps. The steps nest in the annotations' order (retry,
	 * circuit breaker, timeout, bounded, throttle: outermost first), whatever the order
	 * of the calls. A step without a customizer takes everything from
	 * {@code async-utils.<kind>.instances.<name>.*} and {@code defaults.*}; a
	 * customizer's values take the place of the annotation's attributes, so instance
	 * properties still win over them and defaults fill what they leave unset. A step
	 * given twice keeps the last one.
	 */
	interface Builder {

		/**
		 * Retry like {@code @Retry}, with settings from properties and defaults.
		 * @return this builder
		 */
		Builder retry();

		/**
		 * Retry like {@code @Retry}.
		 * @param customizer sets the attributes
		 * @return this builder
		 */
		Builder retry(Consumer<RetryStep> customizer);

		/**
		 * Stop calling what is down like {@code @CircuitBreaker}, with settings from
		 * properties and defaults.
		 * @return this builder
		 */
		Builder circuitBreaker();

		/**
		 * Stop calling what is down like {@code @CircuitBreaker}.
		 * @param customizer sets the attributes
		 * @return this builder
		 */
		Builder circuitBreaker(Consumer<CircuitBreakerStep> customizer);

		/**
		 * Limit each attempt's time like {@code @Timeout}, with settings from properties
		 * and defaults.
		 * @return this builder
		 */
		Builder timeout();

		/**
		 * Limit each attempt's time like {@code @Timeout}.
		 * @param customizer sets the duration and the cleanup
		 * @return this builder
		 */
		Builder timeout(Consumer<TimeoutStep> customizer);

		/**
		 * Bound the calls in flight like {@code @Bounded}, with settings from properties
		 * and defaults.
		 * @return this builder
		 */
		Builder bounded();

		/**
		 * Bound the calls in flight like {@code @Bounded}.
		 * @param customizer sets the attributes
		 * @return this builder
		 */
		Builder bounded(Consumer<BoundedStep> customizer);

		/**
		 * Limit the rate of calls like {@code @Throttle}, with settings from properties
		 * and defaults.
		 * @return this builder
		 */
		Builder throttle();

		/**
		 * Limit the rate of calls like {@code @Throttle}.
		 * @param customizer sets the attributes
		 * @return this builder
		 */
		Builder throttle(Consumer<ThrottleStep> customizer);

		/**
		 * Resolve and check every step and build the guard.
		 * @return the guard
		 * @throws IllegalArgumentException if a setting is missing or invalid, naming the
		 * guard, the step's setting or the property, and the value
		 */
		Guard build();

	}

}
