package dev.asyncutils.bounded;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.core.TestContexts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A slot taken at once is free again when the caller learns the outcome: a caller that
 * chains the next call onto the end of the previous one ({@code then},
 * {@code concatWith}, {@code onErrorResume}, {@code thenCompose}) finds the slot of a
 * single-slot, no-wait limit free, and is not rejected.
 */
class BoundedReleasesBeforeReportingTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	@Test
	void monoChainedOntoTheEndOfTheLastFindsTheSlotFree() {
		TestContexts.withBeans(Single.class).run((context) -> {
			Single single = context.getBean(Single.class);
			assertThat(single.mono().then(single.mono()).block(WAIT)).isEqualTo("ok");
			assertThat(single.failing().onErrorResume((failure) -> single.mono()).block(WAIT)).isEqualTo("ok");
			assertThat(context.getBean(BoundedRegistry.class).get("single").availableSlots()).isEqualTo(1);
		});
	}

	@Test
	void fluxConcatenatedOntoTheEndOfTheLastFindsTheSlotFree() {
		TestContexts.withBeans(Single.class).run((context) -> {
			Single single = context.getBean(Single.class);
			assertThat(single.flux().concatWith(single.flux()).collectList().block(WAIT))
				.isEqualTo(List.of("a", "b", "a", "b"));
			assertThat(context.getBean(BoundedRegistry.class).get("single").availableSlots()).isEqualTo(1);
		});
	}

	@Test
	void stageComposedOntoTheEndOfTheLastFindsTheSlotFree() throws Exception {
		TestContexts.withBeans(Single.class).run((context) -> {
			Single single = context.getBean(Single.class);
			CompletableFuture<String> first = new CompletableFuture<>();
			CompletableFuture<String> both = single.stage(first)
				.thenCompose((value) -> single.stage(CompletableFuture.completedFuture(value + "+next")));
			first.complete("first");
			assertThat(both.get(5, TimeUnit.SECONDS)).isEqualTo("first+next");
			assertThat(context.getBean(BoundedRegistry.class).get("single").availableSlots()).isEqualTo(1);
		});
	}

	static class Single {

		@Bounded(name = "single", value = 1, maxWait = "0")
		public Mono<String> mono() {
			return Mono.just("ok");
		}

		@Bounded(name = "single", value = 1, maxWait = "0")
		public Mono<String> failing() {
			return Mono.error(new IllegalStateException("down"));
		}

		@Bounded(name = "single", value = 1, maxWait = "0")
		public Flux<String> flux() {
			return Flux.just("a", "b");
		}

		@Bounded(name = "single", value = 1, maxWait = "0")
		public CompletableFuture<String> stage(CompletableFuture<String> result) {
			return result;
		}

	}

}
