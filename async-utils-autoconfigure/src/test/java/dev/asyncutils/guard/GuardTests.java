package dev.asyncutils.guard;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.AsyncUtils;
import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.Guard;
import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.autoconfigure.AsyncUtilsEndpoint;
import dev.asyncutils.autoconfigure.AsyncUtilsEndpointAutoConfiguration;
import dev.asyncutils.autoconfigure.AsyncUtilsMetricsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@code AsyncUtils.guard(name)}: each contract point of a programmatic guard, in a real
 * context, against the same engines, meters and shared instances as the annotations.
 */
class GuardTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(TaskExecutionAutoConfiguration.class, AsyncUtilsAutoConfiguration.class,
						AsyncUtilsMetricsAutoConfiguration.class, AsyncUtilsEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=asyncutils")
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withUserConfiguration(Config.class);

	@Test
	void callRetriesAndTheCallerGetsTheLastFailureUnchangedWithEarlierOnesSuppressed() {
		this.runner.run((context) -> {
			Guard guard = context.getBean(AsyncUtils.class)
				.guard("inventory")
				.retry((retry) -> retry.maxAttempts(4).delay(Duration.ofMillis(1)))
				.build();
			List<IOException> thrown = new CopyOnWriteArrayList<>();
			Throwable failure = catchThrowable(() -> guard.call(() -> {
				IOException ex = new IOException("attempt " + (thrown.size() + 1));
				thrown.add(ex);
				throw ex;
			}));
			assertThat(thrown).hasSize(4);
			assertThat(failure).isSameAs(thrown.get(3));
			assertThat(failure.getSuppressed()).containsExactly(thrown.get(0), thrown.get(1), thrown.get(2));
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(count(meters, "asyncutils.retry.calls", "inventory", "failure_after_retry")).isEqualTo(1);
			AtomicInteger attempts = new AtomicInteger();
			assertThat(guard.<Integer>call(() -> (attempts.incrementAndGet() < 3) ? fail() : 42)).isEqualTo(42);
			assertThat(count(meters, "asyncutils.retry.calls", "inventory", "success_after_retry")).isEqualTo(1);
		});
	}

	@Test
	void runTakesCodeThatThrowsCheckedExceptions() {
		this.runner.run((context) -> {
			Guard guard = context.getBean(AsyncUtils.class)
				.guard("ping")
				.retry((retry) -> retry.maxAttempts(2).delay(Duration.ofMillis(1)))
				.build();
			AtomicInteger runs = new AtomicInteger();
			IOException last = new IOException("down");
			assertThat(catchThrowable(() -> guard.run(() -> {
				runs.incrementAndGet();
				throw last;
			}))).isSameAs(last);
			assertThat(runs).hasValue(2);
		});
	}

	@Test
	void stepsNestInTheAnnotationsOrderWhateverTheOrderOfTheBuilderCalls() {
		this.runner.run((context) -> {
			// timeout before retry in the builder: still one deadline per attempt
			Guard guard = context.getBean(AsyncUtils.class)
				.guard("quotes")
				.timeout((timeout) -> timeout.duration(Duration.ofMillis(50)))
				.retry((retry) -> retry.maxAttempts(3).delay(Duration.ofMillis(1)))
				.build();
			AtomicInteger attempts = new AtomicInteger();
			Throwable failure = catchThrowable(() -> guard.call(() -> {
				attempts.incrementAndGet();
				Thread.sleep(5_000);
				return "late";
			}));
			assertThat(failure).isInstanceOf(TimeoutExceededException.class);
			assertThat(attempts).hasValue(3);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(count(meters, "asyncutils.timeout.calls", "quotes", "timed_out")).isEqualTo(3);
		});
	}

	@Test
	void instancePropertiesWinOverTheCustomizerAndDefaultsFillWhatItLeavesUnset() {
		this.runner
			.withPropertyValues("async-utils.retry.instances.stock.max-attempts=4",
					"async-utils.retry.defaults.delay=1ms", "async-utils.retry.defaults.max-attempts=7")
			.run((context) -> {
				AsyncUtils asyncUtils = context.getBean(AsyncUtils.class);
				AtomicInteger attempts = new AtomicInteger();
				Guard stock = asyncUtils.guard("stock").retry((retry) -> retry.maxAttempts(2)).build();
				catchThrowable(() -> stock.call(() -> attempts.incrementAndGet() / 0));
				assertThat(attempts).hasValue(4);
				attempts.set(0);
				Guard other = asyncUtils.guard("other").retry((retry) -> retry.maxAttempts(2)).build();
				catchThrowable(() -> other.call(() -> attempts.incrementAndGet() / 0));
				assertThat(attempts).hasValue(2);
				attempts.set(0);
				Guard plain = asyncUtils.guard("plain").retry().build();
				catchThrowable(() -> plain.call(() -> attempts.incrementAndGet() / 0));
				assertThat(attempts).hasValue(7);
			});
	}

	@Test
	void explicitlySetValuesAreValidatedAsGivenAndBuildThrowsIllegalArgumentException() {
		this.runner.run((context) -> {
			AsyncUtils asyncUtils = context.getBean(AsyncUtils.class);
			assertThatIllegalArgumentException()
				.isThrownBy(() -> asyncUtils.guard("inventory").retry((retry) -> retry.maxAttempts(0)).build())
				.withMessage("Invalid async-utils configuration: guard 'inventory', retry(maxAttempts) = '0': "
						+ "must be at least 1");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> asyncUtils.guard("inventory").retry((retry) -> retry.maxAttempts(-3)).build())
				.withMessage("Invalid async-utils configuration: guard 'inventory', retry(maxAttempts) = '-3': "
						+ "must be at least 1");
			assertThatIllegalArgumentException()
				.isThrownBy(
						() -> asyncUtils.guard("quotes").timeout((timeout) -> timeout.duration(Duration.ZERO)).build())
				.withMessage("Invalid async-utils configuration: guard 'quotes', timeout(duration) = '0s': "
						+ "must be positive");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> asyncUtils.guard("reports").bounded((bounded) -> bounded.maxConcurrent(0)).build())
				.withMessageContaining("bounded(maxConcurrent) = '0': must be at least 1");
			assertThatIllegalArgumentException().isThrownBy(() -> asyncUtils.guard("payments").throttle().build())
				.withMessageContaining("guard 'payments', throttle(rate)")
				.withMessageContaining("is required: set it in the guard's throttle step or as property "
						+ "'async-utils.throttle.instances.payments.rate'");
		});
	}

	@Test
	void callWithFallbackAnswersTheFinalFailure() {
		this.runner.run((context) -> {
			Guard guard = context.getBean(AsyncUtils.class)
				.guard("safe")
				.retry((retry) -> retry.maxAttempts(2).delay(Duration.ofMillis(1)))
				.build();
			AtomicInteger attempts = new AtomicInteger();
			IllegalStateException down = new IllegalStateException("down");
			List<Throwable> seen = new CopyOnWriteArrayList<>();
			int stock = guard.call(() -> {
				attempts.incrementAndGet();
				throw down;
			}, (failure) -> {
				seen.add(failure);
				return -1;
			});
			assertThat(stock).isEqualTo(-1);
			assertThat(attempts).hasValue(2);
			assertThat(seen).containsExactly(down);
			assertThat(guard.call(() -> 5, (failure) -> -1)).isEqualTo(5);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("asyncutils.fallback.calls").tag("name", "safe").counter().count()).isEqualTo(1);
		});
	}

	@Test
	void callAsyncBlocksNothingAndFailsWithTheLastFailureUnchanged() {
		this.runner.run((context) -> {
			Guard guard = context.getBean(AsyncUtils.class)
				.guard("prices")
				.retry((retry) -> retry.maxAttempts(3).delay(Duration.ofMillis(200)))
				.build();
			List<IllegalStateException> thrown = new CopyOnWriteArrayList<>();
			long start = System.nanoTime();
			CompletableFuture<String> result = guard.callAsync(() -> {
				IllegalStateException ex = new IllegalStateException("attempt " + (thrown.size() + 1));
				thrown.add(ex);
				return CompletableFuture.failedFuture(ex);
			});
			// the caller is back before the first retry delay
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(200));
			assertThat(result).isNotDone();
			Throwable failure = catchThrowable(result::join).getCause();
			assertThat(thrown).hasSize(3);
			assertThat(failure).isSameAs(thrown.get(2));
			AtomicInteger calls = new AtomicInteger();
			assertThat(guard.callAsync(() -> (calls.incrementAndGet() < 2)
					? CompletableFuture.<String>failedFuture(new IllegalStateException())
					: CompletableFuture.completedFuture("ok"))
				.get(5, TimeUnit.SECONDS)).isEqualTo("ok");
		});
	}

	@Test
	void monoAndFluxApplyPerSubscriptionAndCallTheSupplierPerAttempt() {
		this.runner.run((context) -> {
			Guard guard = context.getBean(AsyncUtils.class)
				.guard("stream")
				.retry((retry) -> retry.maxAttempts(2).delay(Duration.ofMillis(1)))
				.build();
			AtomicInteger supplied = new AtomicInteger();
			Mono<String> mono = guard.mono(() -> {
				supplied.incrementAndGet();
				return Mono.just("price");
			});
			assertThat(supplied).hasValue(0);
			assertThat(mono.block(Duration.ofSeconds(5))).isEqualTo("price");
			assertThat(mono.block(Duration.ofSeconds(5))).isEqualTo("price");
			assertThat(supplied).hasValue(2);
			AtomicInteger subscriptions = new AtomicInteger();
			Flux<Integer> flux = guard.flux(() -> Flux.defer(() -> (subscriptions.incrementAndGet() == 1)
					? Flux.<Integer>error(new IllegalStateException("first")) : Flux.just(1, 2, 3)));
			assertThat(flux.collectList().block(Duration.ofSeconds(5))).containsExactly(1, 2, 3);
			assertThat(subscriptions).hasValue(2);
			Guard plain = context.getBean(AsyncUtils.class).guard("lazy").build();
			AtomicInteger lazy = new AtomicInteger();
			Mono<Integer> unguarded = plain.mono(() -> Mono.just(lazy.incrementAndGet()));
			assertThat(lazy).hasValue(0);
			assertThat(unguarded.block()).isEqualTo(1);
			assertThat(unguarded.block()).isEqualTo(2);
		});
	}

	@Test
	void timeoutCleanupRunsWhenTheDeadlinePasses() {
		this.runner.run((context) -> {
			CountDownLatch cleaned = new CountDownLatch(1);
			Guard guard = context.getBean(AsyncUtils.class)
				.guard("abortable")
				.timeout((timeout) -> timeout.duration(Duration.ofMillis(50)).cleanup(cleaned::countDown))
				.build();
			assertThat(catchThrowable(() -> guard.call(() -> {
				Thread.sleep(5_000);
				return "late";
			}))).isInstanceOf(TimeoutExceededException.class);
			assertThat(cleaned.await(5, TimeUnit.SECONDS)).isTrue();
			CompletableFuture<String> never = new CompletableFuture<>();
			CountDownLatch cleanedAsync = new CountDownLatch(1);
			Guard async = context.getBean(AsyncUtils.class)
				.guard("abortable-async")
				.timeout((timeout) -> timeout.duration(Duration.ofMillis(50)).cleanup(cleanedAsync::countDown))
				.build();
			assertThat(catchThrowable(() -> async.callAsync(() -> never).join()))
				.hasCauseInstanceOf(TimeoutExceededException.class);
			assertThat(cleanedAsync.await(5, TimeUnit.SECONDS)).isTrue();
			assertThat(never).isCancelled();
		});
	}

	@Test
	void aGuardSharesTheLimitOfAnAnnotatedMethodOfTheSameName() {
		this.runner.run((context) -> {
			Reports reports = context.getBean(Reports.class);
			Guard guard = context.getBean(AsyncUtils.class)
				.guard("reports")
				.bounded((bounded) -> bounded.maxConcurrent(1).maxWait(Duration.ZERO))
				.build();
			CountDownLatch inside = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			Thread holder = new Thread(() -> reports.generate(inside, release));
			holder.start();
			assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
			assertThat(catchThrowable(() -> guard.call(() -> "second"))).isInstanceOf(BoundedRejectedException.class);
			release.countDown();
			holder.join(5_000);
			assertThat(guard.call(() -> "now")).isEqualTo("now");
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(count(meters, "asyncutils.bounded.calls", "reports", "rejected")).isEqualTo(1);
			assertThat(count(meters, "asyncutils.bounded.calls", "reports", "permitted")).isEqualTo(2);
		});
	}

	@Test
	void aGuardWhoseSettingsDisagreeWithTheAnnotatedInstanceFailsToBuild() {
		this.runner.run(
				(context) -> assertThatIllegalArgumentException()
					.isThrownBy(() -> context.getBean(AsyncUtils.class)
						.guard("reports")
						.bounded((bounded) -> bounded.maxConcurrent(5))
						.build())
					.withMessageContaining("guard 'reports'")
					.withMessageContaining("conflicts with"));
	}

	@Test
	@SuppressWarnings("unchecked")
	void theActuatorEndpointListsAGuardsInstances() {
		this.runner.run((context) -> {
			context.getBean(AsyncUtils.class)
				.guard("listed")
				.retry((retry) -> retry.maxAttempts(5))
				.timeout((timeout) -> timeout.duration(Duration.ofMillis(300)))
				.build();
			Map<String, Object> listed = context.getBean(AsyncUtilsEndpoint.class).instance("listed");
			assertThat(listed).containsKeys("retry", "timeout");
			assertThat(listed.get("retry").toString()).contains("maxAttempts=5").contains("guard 'listed'");
		});
	}

	private static int fail() {
		throw new IllegalStateException("not yet");
	}

	private static double count(MeterRegistry meters, String name, String instance, String result) {
		// failed retry outcomes are counters tagged with their exception, the others
		// function counters
		io.micrometer.core.instrument.search.Search search = meters.find(name)
			.tag("name", instance)
			.tag("result", result);
		return search.counters().stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum()
				+ search.functionCounters()
					.stream()
					.mapToDouble(io.micrometer.core.instrument.FunctionCounter::count)
					.sum();
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Reports reports() {
			return new Reports();
		}

	}

	static class Reports {

		@Bounded(name = "reports", value = 1, maxWait = "0")
		public void generate(CountDownLatch inside, CountDownLatch release) {
			inside.countDown();
			try {
				release.await(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
