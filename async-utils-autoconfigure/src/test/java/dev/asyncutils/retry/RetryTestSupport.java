package dev.asyncutils.retry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;

import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shared helpers of the {@code @Retry} tests: what the test beans record about their
 * attempts, and the exceptions a test makes them throw. The beans are CGLIB proxies, so
 * these objects are handed to them through their constructors (or as arguments) and read
 * by the tests directly, never through the proxy.
 */
final class RetryTestSupport {

	static final String WORKER_THREAD_PREFIX = "async-utils-worker-";

	private RetryTestSupport() {
	}

	/**
	 * Return the attempt log of a test context.
	 * @param context the context
	 * @return its log
	 */
	static AttemptLog log(ApplicationContext context) {
		return context.getBean(AttemptLog.class);
	}

	/**
	 * What one attempt of a test bean's method does; receives the attempt number (1 for
	 * the first attempt).
	 *
	 * @param <T> the method's return type
	 */
	@FunctionalInterface
	interface Behavior<T> {

		T attempt(int attempt) throws Throwable;

	}

	/**
	 * Every attempt a bean's method saw: when it began and on which thread.
	 */
	static final class AttemptLog {

		private final List<Long> starts = new ArrayList<>();

		private final List<String> threads = new ArrayList<>();

		synchronized int record() {
			this.starts.add(System.nanoTime());
			this.threads.add(Thread.currentThread().getName());
			return this.starts.size();
		}

		synchronized int count() {
			return this.starts.size();
		}

		synchronized List<String> threads() {
			return List.copyOf(this.threads);
		}

		/**
		 * Time between the start of each attempt and the start of the next one: each is
		 * at least the wait before that retry.
		 */
		synchronized List<Duration> gaps() {
			List<Duration> gaps = new ArrayList<>();
			for (int i = 1; i < this.starts.size(); i++) {
				gaps.add(Duration.ofNanos(this.starts.get(i) - this.starts.get(i - 1)));
			}
			return gaps;
		}

		/**
		 * Time from the start of the first attempt to the start of the last one.
		 */
		synchronized Duration span() {
			return Duration.ofNanos(this.starts.get(this.starts.size() - 1) - this.starts.get(0));
		}

	}

	/**
	 * The exceptions a test made its bean throw, in order.
	 */
	static final class Thrown {

		private final List<Throwable> all = new CopyOnWriteArrayList<>();

		<T extends Throwable> T add(T failure) {
			this.all.add(failure);
			return failure;
		}

		List<Throwable> all() {
			return List.copyOf(this.all);
		}

		Throwable get(int index) {
			return this.all.get(index);
		}

		int size() {
			return this.all.size();
		}

		/**
		 * A behavior that throws a new failure, made by {@code factory}, on every
		 * attempt.
		 */
		<T> Behavior<T> always(IntFunction<? extends Throwable> factory) {
			return (attempt) -> {
				throw add(factory.apply(attempt));
			};
		}

		/**
		 * A behavior that throws a new {@link IllegalStateException} on every attempt.
		 */
		<T> Behavior<T> alwaysIllegalState() {
			return always((attempt) -> new IllegalStateException("attempt " + attempt));
		}

		/**
		 * A behavior that fails with {@link IllegalStateException} until attempt
		 * {@code succeedingAttempt}, which returns {@code "ok <attempt>"}.
		 */
		Behavior<String> succeedingOn(int succeedingAttempt) {
			return (attempt) -> {
				if (attempt < succeedingAttempt) {
					throw add(new IllegalStateException("attempt " + attempt));
				}
				return "ok " + attempt;
			};
		}

		/**
		 * A behavior returning a future that fails with a new failure, made by
		 * {@code factory}, on every attempt.
		 */
		<T> Behavior<CompletableFuture<T>> alwaysFailedFuture(IntFunction<? extends Throwable> factory) {
			return (attempt) -> CompletableFuture.failedFuture(add(factory.apply(attempt)));
		}

		/**
		 * Assert that {@code actual} is the last thrown failure itself, carrying every
		 * earlier one as suppressed, in order, and nothing else.
		 */
		void assertIsLastWithEarlierSuppressed(Throwable actual) {
			List<Throwable> all = all();
			assertThat(all).isNotEmpty();
			assertThat(actual).isSameAs(all.get(all.size() - 1));
			assertThat(actual.getSuppressed()).containsExactlyElementsOf(all.subList(0, all.size() - 1));
		}

	}

	/**
	 * A custom {@link Error}, to check that errors are not retried by default.
	 */
	static class CustomError extends Error {

		CustomError(String message) {
			super(message);
		}

	}

}
