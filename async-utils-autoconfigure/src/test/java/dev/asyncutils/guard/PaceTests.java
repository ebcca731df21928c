package dev.asyncutils.guard;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncutils.AsyncUtils;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.autoconfigure.AsyncUtilsMetricsAutoConfiguration;
import dev.asyncutils.throttle.ThrottleRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@code AsyncUtils.pace(throttleName, flux)}: one permit per element, in order, without
 * blocking a thread, and a cancelled wait gives its permit back.
 */
class PaceTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
				AsyncUtilsAutoConfiguration.class, AsyncUtilsMetricsAutoConfiguration.class))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withPropertyValues("async-utils.throttle.instances.orders.rate=20",
				"async-utils.throttle.instances.orders.burst=1", "async-utils.throttle.instances.slow.rate=1",
				"async-utils.throttle.instances.slow.per=10s", "async-utils.throttle.instances.slow.burst=1");

	@Test
	void elementsComeInOrderOnePermitEachWithoutBlockingTheSubscriber() {
		this.runner.run((context) -> {
			AsyncUtils asyncUtils = context.getBean(AsyncUtils.class);
			List<Integer> received = new CopyOnWriteArrayList<>();
			long start = System.nanoTime();
			Flux<Integer> paced = asyncUtils.pace("orders", Flux.range(1, 9));
			Disposable subscription = paced.subscribe(received::add);
			// subscribing does not wait for permits: the first is free, the rest are
			// scheduled
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(300));
			assertThat(received).hasSizeLessThan(9);
			List<Integer> all = asyncUtils.pace("orders", Flux.range(10, 5))
				.collectList()
				.block(Duration.ofSeconds(10));
			assertThat(all).containsExactly(10, 11, 12, 13, 14);
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (!subscription.isDisposed() && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			long elapsed = System.nanoTime() - start;
			assertThat(received).containsExactlyElementsOf(IntStream.rangeClosed(1, 9).boxed().toList());
			// 14 elements at 20 per second from a bucket of 1: at least 13 intervals of
			// 50 ms
			assertThat(Duration.ofNanos(elapsed)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
			assertThat(subscription.isDisposed()).isTrue();
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("asyncutils.throttle.calls")
				.tag("name", "orders")
				.tag("result", "permitted")
				.functionCounter()
				.count()).isEqualTo(14);
		});
	}

	@Test
	void cancellingGivesBackThePermitBeingWaitedFor() {
		this.runner.run((context) -> {
			AsyncUtils asyncUtils = context.getBean(AsyncUtils.class);
			ThrottleRegistry throttles = context.getBean(ThrottleRegistry.class);
			List<Integer> received = new CopyOnWriteArrayList<>();
			Disposable subscription = asyncUtils.pace("slow", Flux.range(1, 3)).subscribe(received::add);
			Thread.sleep(100);
			assertThat(received).containsExactly(1);
			// element 2 holds the permit due 10 s after the first: a newcomer would wait
			// for the one after it
			assertThat(throttles.get("slow").timeUntilPermit()).isGreaterThan(Duration.ofSeconds(12));
			subscription.dispose();
			// cancelled, it gave that permit back
			assertThat(throttles.get("slow").timeUntilPermit()).isLessThanOrEqualTo(Duration.ofSeconds(10));
			assertThat(received).containsExactly(1);
		});
	}

	@Test
	void anUnknownThrottleIsAnIllegalArgument() {
		this.runner.run((context) -> assertThatIllegalArgumentException()
			.isThrownBy(() -> context.getBean(AsyncUtils.class).pace("missing", Flux.just(1)))
			.withMessageContaining("No throttle instance 'missing'"));
	}

}
