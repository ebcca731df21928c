package dev.asyncutils;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Gather} ({@code all}, {@code named}, {@code settled}, {@code bounded})
 * and {@link Outcome}: ordering, empty inputs, failures passed on unwrapped, cancellation
 * in both directions, concurrency ceilings and a non-recursive driver.
 */
class GatherTests {

	// ---- all ----

	@Test
	void allGathersValuesInCollectionOrderRegardlessOfCompletionOrder() {
		List<CompletableFuture<String>> stages = futures(4);
		CompletableFuture<List<String>> result = Gather.all(stages);
		stages.get(3).complete("d");
		stages.get(1).complete("b");
		stages.get(2).complete("c");
		assertThat(result).isNotDone();
		stages.get(0).complete("a");
		assertThat(result).isCompleted();
		assertThat(result.join()).containsExactly("a", "b", "c", "d");
	}

	@Test
	void allOfNothingIsACompletedEmptyList() {
		CompletableFuture<List<String>> result = Gather.all(List.<CompletableFuture<String>>of());
		assertThat(result).isCompleted();
		assertThat(result.join()).isEmpty();
	}

	@Test
	void allAllowsNullValues() {
		CompletableFuture<String> second = new CompletableFuture<>();
		CompletableFuture<List<String>> result = Gather
			.all(List.of(CompletableFuture.<String>completedFuture(null), second));
		second.complete("b");
		assertThat(result.join()).containsExactly(null, "b");
	}

	@Test
	void allFailsAtOnceWithThatExceptionAndCancelsTheOthers() {
		List<CompletableFuture<String>> stages = futures(3);
		CompletableFuture<List<String>> result = Gather.all(stages);
		stages.get(0).complete("a");
		IllegalStateException boom = new IllegalStateException("boom");
		stages.get(1).completeExceptionally(boom);
		assertThat(failureOf(result)).isSameAs(boom);
		assertThat(stages.get(2)).isCancelled();
		assertThat(stages.get(0)).isCompleted();
	}

	@Test
	void allUnwrapsACompletionExceptionOfTheFailedStage() {
		List<CompletableFuture<String>> stages = futures(2);
		CompletableFuture<List<String>> result = Gather.all(stages);
		IllegalStateException boom = new IllegalStateException("boom");
		stages.get(0).completeExceptionally(new CompletionException(boom));
		assertThat(failureOf(result)).isSameAs(boom);
		assertThat(stages.get(1)).isCancelled();
	}

	@Test
	void allKeepsTheFirstFailure() {
		List<CompletableFuture<String>> stages = futures(2);
		CompletableFuture<List<String>> result = Gather.all(stages);
		IllegalStateException first = new IllegalStateException("first");
		stages.get(1).completeExceptionally(first);
		assertThat(stages.get(0).completeExceptionally(new IllegalStateException("second"))).isFalse();
		assertThat(failureOf(result)).isSameAs(first);
	}

	@Test
	void cancellingTheResultOfAllCancelsTheInputs() {
		List<CompletableFuture<String>> stages = futures(3);
		stages.get(0).complete("a");
		CompletableFuture<List<String>> result = Gather.all(stages);
		assertThat(result.cancel(true)).isTrue();
		assertThat(stages.get(1)).isCancelled();
		assertThat(stages.get(2)).isCancelled();
		assertThat(stages.get(0)).isCompleted();
	}

	@Test
	void allWorksWithStagesThatAreNotCompletableFutures() {
		CompletableFuture<String> first = new CompletableFuture<>();
		CompletableFuture<String> second = new CompletableFuture<>();
		CompletableFuture<String> third = new CompletableFuture<>();
		CompletableFuture<List<String>> result = Gather
			.all(List.of(first.minimalCompletionStage(), foreign(second), third.minimalCompletionStage()));
		third.complete("c");
		second.complete("b");
		assertThat(result).isNotDone();
		first.complete("a");
		assertThat(result.join()).containsExactly("a", "b", "c");
	}

	@Test
	void allFailsWithTheExceptionOfAStageThatIsNotACompletableFuture() {
		CompletableFuture<String> first = new CompletableFuture<>();
		CompletableFuture<String> second = new CompletableFuture<>();
		CompletableFuture<List<String>> result = Gather.all(List.of(first.minimalCompletionStage(), foreign(second)));
		IllegalStateException boom = new IllegalStateException("boom");
		second.completeExceptionally(boom);
		assertThat(failureOf(result)).isSameAs(boom);
	}

	@Test
	void allStillCancelsTheOthersWhenOneInputCannotBeCancelled() {
		CompletableFuture<String> uncancellable = new CompletableFuture<>();
		CompletableFuture<String> pending = new CompletableFuture<>();
		CompletableFuture<String> failing = new CompletableFuture<>();
		CompletableFuture<List<String>> result = Gather
			.all(List.of(uncancellable.minimalCompletionStage(), pending, failing));
		IllegalStateException boom = new IllegalStateException("boom");
		failing.completeExceptionally(boom);
		assertThat(failureOf(result)).isSameAs(boom);
		assertThat(pending).isCancelled();
		assertThat(uncancellable).isNotDone();
	}

	@Test
	void cancellingAllStillCancelsTheOthersWhenOneInputCannotBeCancelled() {
		CompletableFuture<String> uncancellable = new CompletableFuture<>();
		CompletableFuture<String> pending = new CompletableFuture<>();
		CompletableFuture<List<String>> result = Gather.all(List.of(uncancellable.minimalCompletionStage(), pending));
		assertThat(result.cancel(true)).isTrue();
		assertThat(pending).isCancelled();
	}

	// ---- named ----

	@Test
	void namedKeepsKeysAndIterationOrderOfTheInput() {
		CompletableFuture<Integer> zulu = new CompletableFuture<>();
		CompletableFuture<Integer> alpha = new CompletableFuture<>();
		CompletableFuture<Integer> mike = new CompletableFuture<>();
		CompletableFuture<Integer> bravo = new CompletableFuture<>();
		Map<String, CompletableFuture<Integer>> stages = new LinkedHashMap<>();
		stages.put("zulu", zulu);
		stages.put("alpha", alpha);
		stages.put("mike", mike);
		stages.put("bravo", bravo);
		CompletableFuture<Map<String, Integer>> result = Gather.named(stages);
		bravo.complete(4);
		alpha.complete(2);
		mike.complete(null);
		assertThat(result).isNotDone();
		zulu.complete(1);
		Map<String, Integer> values = result.join();
		assertThat(new ArrayList<>(values.keySet())).containsExactly("zulu", "alpha", "mike", "bravo");
		assertThat(new ArrayList<>(values.values())).containsExactly(1, 2, null, 4);
		assertThat(values).containsEntry("mike", null).hasSize(4);
	}

	@Test
	void namedOfNothingIsACompletedEmptyMap() {
		CompletableFuture<Map<String, String>> result = Gather.named(Map.<String, CompletableFuture<String>>of());
		assertThat(result).isCompleted();
		assertThat(result.join()).isEmpty();
	}

	@Test
	void namedFailsAtOnceWithThatExceptionAndCancelsTheOthers() {
		CompletableFuture<String> first = new CompletableFuture<>();
		CompletableFuture<String> second = new CompletableFuture<>();
		Map<String, CompletableFuture<String>> stages = new LinkedHashMap<>();
		stages.put("second", second);
		stages.put("first", first);
		CompletableFuture<Map<String, String>> result = Gather.named(stages);
		IllegalStateException boom = new IllegalStateException("boom");
		first.completeExceptionally(new CompletionException(boom));
		assertThat(failureOf(result)).isSameAs(boom);
		assertThat(second).isCancelled();
	}

	@Test
	void cancellingTheResultOfNamedCancelsTheInputs() {
		CompletableFuture<String> first = new CompletableFuture<>();
		CompletableFuture<String> second = new CompletableFuture<>();
		Map<String, CompletableFuture<String>> stages = new LinkedHashMap<>();
		stages.put("b", first);
		stages.put("a", second);
		CompletableFuture<Map<String, String>> result = Gather.named(stages);
		assertThat(result.cancel(true)).isTrue();
		assertThat(first).isCancelled();
		assertThat(second).isCancelled();
	}

	// ---- settled ----

	@Test
	void settledReportsEveryOutcomeInOrderAndNeverFails() {
		List<CompletableFuture<String>> stages = futures(5);
		CompletableFuture<List<Outcome<String>>> result = Gather.settled(stages);
		IllegalStateException boom = new IllegalStateException("boom");
		IllegalArgumentException wrapped = new IllegalArgumentException("wrapped");
		stages.get(4).complete("e");
		stages.get(1).completeExceptionally(boom);
		stages.get(3).cancel(true);
		stages.get(2).complete(null);
		assertThat(result).isNotDone();
		stages.get(0).completeExceptionally(new CompletionException(wrapped));
		assertThat(result).isCompleted();
		List<Outcome<String>> outcomes = result.join();
		assertThat(outcomes).hasSize(5);
		assertThat(outcomes).extracting(Outcome::isSuccess).containsExactly(false, false, true, false, true);
		assertThat(outcomes.get(0).error()).isSameAs(wrapped);
		assertThat(outcomes.get(0).value()).isNull();
		assertThat(outcomes.get(1).error()).isSameAs(boom);
		assertThat(outcomes.get(1).value()).isNull();
		assertThat(outcomes.get(2).value()).isNull();
		assertThat(outcomes.get(2).error()).isNull();
		assertThat(outcomes.get(3).error()).isExactlyInstanceOf(CancellationException.class);
		assertThat(outcomes.get(4).value()).isEqualTo("e");
		assertThat(outcomes.get(4).error()).isNull();
	}

	@Test
	void settledDoesNotCancelTheOthersWhenOneFails() {
		List<CompletableFuture<String>> stages = futures(2);
		CompletableFuture<List<Outcome<String>>> result = Gather.settled(stages);
		stages.get(0).completeExceptionally(new IllegalStateException("boom"));
		assertThat(stages.get(1)).isNotDone();
		assertThat(result).isNotDone();
		stages.get(1).complete("b");
		assertThat(result.join()).extracting(Outcome::value).containsExactly(null, "b");
	}

	@Test
	void settledOfNothingIsACompletedEmptyList() {
		CompletableFuture<List<Outcome<String>>> result = Gather.settled(List.<CompletableFuture<String>>of());
		assertThat(result).isCompleted();
		assertThat(result.join()).isEmpty();
	}

	@Test
	void settledWorksWithStagesThatAreNotCompletableFutures() {
		CompletableFuture<String> first = new CompletableFuture<>();
		CompletableFuture<String> second = new CompletableFuture<>();
		CompletableFuture<List<Outcome<String>>> result = Gather
			.settled(List.of(first.minimalCompletionStage(), foreign(second)));
		IllegalStateException boom = new IllegalStateException("boom");
		second.completeExceptionally(boom);
		first.complete("a");
		List<Outcome<String>> outcomes = result.join();
		assertThat(outcomes.get(0).isSuccess()).isTrue();
		assertThat(outcomes.get(0).value()).isEqualTo("a");
		assertThat(outcomes.get(1).isSuccess()).isFalse();
		assertThat(outcomes.get(1).error()).isSameAs(boom);
	}

	// ---- bounded ----

	@Test
	void boundedKeepsAtMostMaxConcurrentPendingStartsInOrderAndGathersInOrder() {
		int count = 40;
		int maxConcurrent = 4;
		long seed = System.nanoTime();
		Random random = new Random(seed);
		Recorder recorder = new Recorder();
		CompletableFuture<List<String>> result = Gather.bounded(maxConcurrent, recorder.suppliers(count));
		assertThat(recorder.startOrder).containsExactly(0, 1, 2, 3);
		int completed = 0;
		while (!recorder.pending.isEmpty()) {
			assertThat(recorder.pending).as("seed %d", seed).hasSize(Math.min(maxConcurrent, count - completed));
			assertThat(result).isNotDone();
			List<Integer> started = new ArrayList<>(recorder.pending.keySet());
			int pick = started.get(random.nextInt(started.size()));
			recorder.complete(pick, "v" + pick);
			completed++;
		}
		assertThat(completed).isEqualTo(count);
		assertThat(recorder.startOrder).isEqualTo(range(count));
		assertThat(recorder.maxInFlight).hasValue(maxConcurrent);
		assertThat(result).isCompleted();
		assertThat(result.join()).isEqualTo(range(count).stream().map((i) -> "v" + i).toList());
	}

	@Test
	void boundedStartsEverythingWhenMaxConcurrentExceedsTheList() {
		Recorder recorder = new Recorder();
		CompletableFuture<List<String>> result = Gather.bounded(10, recorder.suppliers(3));
		assertThat(recorder.startOrder).containsExactly(0, 1, 2);
		recorder.complete(2, "c");
		recorder.complete(0, null);
		assertThat(result).isNotDone();
		recorder.complete(1, "b");
		assertThat(result.join()).containsExactly(null, "b", "c");
		assertThat(recorder.startOrder).containsExactly(0, 1, 2);
	}

	@Test
	void boundedRejectsMaxConcurrentBelowOne() {
		Recorder recorder = new Recorder();
		List<Supplier<CompletionStage<String>>> suppliers = recorder.suppliers(3);
		assertThatIllegalArgumentException().isThrownBy(() -> Gather.bounded(0, suppliers));
		assertThatIllegalArgumentException().isThrownBy(() -> Gather.bounded(-1, suppliers));
		assertThat(recorder.startOrder).isEmpty();
	}

	@Test
	void boundedOfNothingIsACompletedEmptyList() {
		CompletableFuture<List<String>> result = Gather.bounded(3, List.<Supplier<CompletionStage<String>>>of());
		assertThat(result).isCompleted();
		assertThat(result.join()).isEmpty();
	}

	@Test
	void boundedFailsAtOnceWhenAStageFailsStartsNothingMoreAndCancelsThePending() {
		Recorder recorder = new Recorder();
		CompletableFuture<List<String>> result = Gather.bounded(3, recorder.suppliers(10));
		recorder.complete(0, "a");
		assertThat(recorder.startOrder).containsExactly(0, 1, 2, 3);
		CompletableFuture<String> first = recorder.pending.get(1);
		CompletableFuture<String> third = recorder.pending.get(3);
		IllegalStateException boom = new IllegalStateException("boom");
		recorder.pending.remove(2).completeExceptionally(boom);
		assertThat(failureOf(result)).isSameAs(boom);
		assertThat(first).isCancelled();
		assertThat(third).isCancelled();
		assertThat(recorder.startOrder).containsExactly(0, 1, 2, 3);
	}

	@Test
	void boundedUnwrapsACompletionExceptionOfTheFailedStage() {
		Recorder recorder = new Recorder();
		CompletableFuture<List<String>> result = Gather.bounded(2, recorder.suppliers(5));
		CompletableFuture<String> other = recorder.pending.get(1);
		IllegalStateException boom = new IllegalStateException("boom");
		recorder.pending.remove(0).completeExceptionally(new CompletionException(boom));
		assertThat(failureOf(result)).isSameAs(boom);
		assertThat(other).isCancelled();
		assertThat(recorder.startOrder).containsExactly(0, 1);
	}

	@Test
	void boundedFailsWithTheExceptionOfASupplierThatThrowsAtStart() {
		Recorder recorder = new Recorder();
		IllegalStateException boom = new IllegalStateException("boom");
		List<Supplier<CompletionStage<String>>> suppliers = new ArrayList<>(recorder.suppliers(5));
		suppliers.set(1, () -> {
			throw boom;
		});
		CompletableFuture<List<String>> result = Gather.bounded(3, suppliers);
		assertThat(failureOf(result)).isSameAs(boom);
		assertThat(recorder.startOrder).containsExactly(0);
		assertThat(recorder.pending.get(0)).isCancelled();
	}

	@Test
	void boundedFailsWithTheExceptionOfASupplierThatThrowsLater() {
		Recorder recorder = new Recorder();
		IllegalStateException boom = new IllegalStateException("boom");
		AtomicInteger throwingCalls = new AtomicInteger();
		List<Supplier<CompletionStage<String>>> suppliers = new ArrayList<>(recorder.suppliers(6));
		suppliers.set(2, () -> {
			throwingCalls.incrementAndGet();
			throw boom;
		});
		CompletableFuture<List<String>> result = Gather.bounded(2, suppliers);
		CompletableFuture<String> second = recorder.pending.get(1);
		recorder.complete(0, "a");
		assertThat(throwingCalls).hasValue(1);
		assertThat(failureOf(result)).isSameAs(boom);
		assertThat(second).isCancelled();
		assertThat(recorder.startOrder).containsExactly(0, 1);
	}

	@Test
	void boundedFailsWithNullPointerExceptionWhenASupplierReturnsNull() {
		Recorder recorder = new Recorder();
		List<Supplier<CompletionStage<String>>> suppliers = new ArrayList<>(recorder.suppliers(4));
		suppliers.set(1, () -> null);
		CompletableFuture<List<String>> result = Gather.bounded(2, suppliers);
		assertThat(failureOf(result)).isExactlyInstanceOf(NullPointerException.class);
		assertThat(recorder.pending.get(0)).isCancelled();
		assertThat(recorder.startOrder).containsExactly(0);
	}

	@Test
	void cancellingTheResultOfBoundedCancelsThePendingAndStartsNothingMore() {
		Recorder recorder = new Recorder();
		CompletableFuture<List<String>> result = Gather.bounded(2, recorder.suppliers(6));
		recorder.complete(0, "a");
		CompletableFuture<String> second = recorder.pending.get(1);
		CompletableFuture<String> third = recorder.pending.get(2);
		assertThat(result.cancel(true)).isTrue();
		assertThat(second).isCancelled();
		assertThat(third).isCancelled();
		assertThat(recorder.startOrder).containsExactly(0, 1, 2);
	}

	@Test
	void cancelledBoundedStartsNothingMoreWhenUncancellableStagesComplete() {
		List<CompletableFuture<String>> sources = futures(5);
		AtomicInteger calls = new AtomicInteger();
		List<Supplier<CompletionStage<String>>> suppliers = IntStream.range(0, 5)
			.<Supplier<CompletionStage<String>>>mapToObj((i) -> () -> {
				calls.incrementAndGet();
				return foreign(sources.get(i));
			})
			.toList();
		CompletableFuture<List<String>> result = Gather.bounded(2, suppliers);
		assertThat(calls).hasValue(2);
		assertThat(result.cancel(true)).isTrue();
		sources.get(0).complete("a");
		sources.get(1).complete("b");
		assertThat(calls).hasValue(2);
		assertThat(result).isCancelled();
	}

	@Test
	void boundedWorksWithStagesThatAreNotCompletableFutures() {
		List<CompletableFuture<String>> sources = futures(4);
		List<Supplier<CompletionStage<String>>> suppliers = IntStream.range(0, 4)
			.<Supplier<CompletionStage<String>>>mapToObj(
					(i) -> () -> (i % 2 == 0) ? sources.get(i).minimalCompletionStage() : foreign(sources.get(i)))
			.toList();
		CompletableFuture<List<String>> result = Gather.bounded(2, suppliers);
		sources.get(1).complete("b");
		sources.get(2).complete("c");
		sources.get(0).complete("a");
		sources.get(3).complete("d");
		assertThat(result.join()).containsExactly("a", "b", "c", "d");
	}

	@Test
	void boundedStillCancelsThePendingWhenOneCannotBeCancelled() {
		CompletableFuture<String> uncancellable = new CompletableFuture<>();
		CompletableFuture<String> pending = new CompletableFuture<>();
		List<Supplier<CompletionStage<String>>> suppliers = List.of(uncancellable::minimalCompletionStage,
				() -> pending, CompletableFuture::new);
		CompletableFuture<List<String>> result = Gather.bounded(2, suppliers);
		assertThat(result.cancel(true)).isTrue();
		assertThat(pending).isCancelled();
	}

	@Test
	void boundedDriverDoesNotRecurseOnAlreadyCompletedStages() {
		int count = 100_000;
		List<Supplier<CompletionStage<Integer>>> suppliers = IntStream.range(0, count)
			.<Supplier<CompletionStage<Integer>>>mapToObj((i) -> () -> CompletableFuture.completedFuture(i))
			.toList();
		CompletableFuture<List<Integer>> result = Gather.bounded(1, suppliers);
		assertThat(result).isCompleted();
		assertThat(result.join()).isEqualTo(range(count));
	}

	@Test
	void boundedUnderConcurrentCompletionKeepsTheCeilingAndTheOrder() throws Exception {
		int count = 10_000;
		int maxConcurrent = 8;
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			CountDownLatch gate = new CountDownLatch(1);
			AtomicInteger inFlight = new AtomicInteger();
			AtomicInteger maxInFlight = new AtomicInteger();
			Queue<Integer> startOrder = new ConcurrentLinkedQueue<>();
			List<Supplier<CompletionStage<Integer>>> suppliers = IntStream.range(0, count)
				.<Supplier<CompletionStage<Integer>>>mapToObj((i) -> () -> {
					startOrder.add(i);
					maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
					return CompletableFuture.supplyAsync(() -> {
						await(gate);
						if (i % 7 == 0) {
							Thread.yield();
						}
						inFlight.decrementAndGet();
						return i;
					}, pool);
				})
				.toList();
			CompletableFuture<List<Integer>> result = Gather.bounded(maxConcurrent, suppliers);
			assertThat(startOrder).hasSize(maxConcurrent);
			gate.countDown();
			List<Integer> values = result.get(60, TimeUnit.SECONDS);
			assertThat(values).isEqualTo(range(count));
			assertThat(new ArrayList<>(startOrder)).isEqualTo(range(count));
			assertThat(maxInFlight).hasValue(maxConcurrent);
			assertThat(inFlight).hasValue(0);
		}
		finally {
			pool.shutdownNow();
		}
	}

	// ---- Outcome ----

	@Test
	void successOutcome() {
		Outcome<String> outcome = Outcome.success("value");
		assertThat(outcome.isSuccess()).isTrue();
		assertThat(outcome.value()).isEqualTo("value");
		assertThat(outcome.error()).isNull();
		assertThat(outcome.toString()).contains("success").contains("value").doesNotContain("failure");
	}

	@Test
	void successOutcomeWithNullValue() {
		Outcome<String> outcome = Outcome.success(null);
		assertThat(outcome.isSuccess()).isTrue();
		assertThat(outcome.value()).isNull();
		assertThat(outcome.error()).isNull();
		assertThat(outcome.toString()).contains("success").contains("null");
	}

	@Test
	void failureOutcome() {
		IllegalStateException boom = new IllegalStateException("boom");
		Outcome<String> outcome = Outcome.failure(boom);
		assertThat(outcome.isSuccess()).isFalse();
		assertThat(outcome.value()).isNull();
		assertThat(outcome.error()).isSameAs(boom);
		assertThat(outcome.toString()).contains("failure")
			.contains("java.lang.IllegalStateException: boom")
			.doesNotContain("success");
	}

	// ---- support ----

	private static <T> List<CompletableFuture<T>> futures(int count) {
		return IntStream.range(0, count).mapToObj((i) -> new CompletableFuture<T>()).toList();
	}

	private static List<Integer> range(int count) {
		return IntStream.range(0, count).boxed().collect(Collectors.toList());
	}

	/**
	 * The exception a completed future holds, as stored (a {@code CompletionException}
	 * wrapper would show here).
	 */
	private static Throwable failureOf(CompletableFuture<?> future) {
		assertThat(future).isCompletedExceptionally();
		return future.handle((value, failure) -> failure).getNow(null);
	}

	/**
	 * A {@link CompletionStage} that is neither a {@code CompletableFuture} nor a
	 * {@code Future}: a proxy over a minimal stage of {@code source}.
	 */
	@SuppressWarnings("unchecked")
	private static <T> CompletionStage<T> foreign(CompletableFuture<T> source) {
		CompletionStage<T> delegate = source.minimalCompletionStage();
		return (CompletionStage<T>) Proxy.newProxyInstance(GatherTests.class.getClassLoader(),
				new Class<?>[] { CompletionStage.class }, (proxy, method, args) -> {
					switch (method.getName()) {
						case "equals":
							return proxy == args[0];
						case "hashCode":
							return System.identityHashCode(proxy);
						case "toString":
							return "ForeignStage";
						default:
							try {
								return method.invoke(delegate, args);
							}
							catch (InvocationTargetException ex) {
								throw ex.getCause();
							}
					}
				});
	}

	private static void await(CountDownLatch latch) {
		try {
			if (!latch.await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("gate not opened");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Suppliers whose stages are completed by hand, recording start order and the most
	 * stages pending at once. Single-threaded use only.
	 */
	private static final class Recorder {

		final List<Integer> startOrder = new ArrayList<>();

		final Map<Integer, CompletableFuture<String>> pending = new LinkedHashMap<>();

		final AtomicInteger inFlight = new AtomicInteger();

		final AtomicInteger maxInFlight = new AtomicInteger();

		List<Supplier<CompletionStage<String>>> suppliers(int count) {
			return Collections.unmodifiableList(IntStream.range(0, count)
				.<Supplier<CompletionStage<String>>>mapToObj((i) -> () -> start(i))
				.toList());
		}

		private CompletionStage<String> start(int index) {
			this.startOrder.add(index);
			this.maxInFlight.accumulateAndGet(this.inFlight.incrementAndGet(), Math::max);
			CompletableFuture<String> stage = new CompletableFuture<>();
			this.pending.put(index, stage);
			return stage;
		}

		void complete(int index, String value) {
			CompletableFuture<String> stage = this.pending.remove(index);
			assertThat(stage).as("stage %d pending", index).isNotNull();
			this.inFlight.decrementAndGet();
			stage.complete(value);
		}

	}

}
