package dev.asyncutils;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.Failures;
import dev.asyncutils.core.Stages;

/**
 * Helpers that gather many {@link CompletionStage}s into one. None of them blocks a
 * thread, and each passes failures on as they are (not wrapped in
 * {@code CompletionException}).
 */
public final class Gather {

	private Gather() {
	}

	/**
	 * Wait for every stage; the values come in the order of the collection. Fails as soon
	 * as one stage fails, with that stage's exception, and cancels the others.
	 * @param <T> the value type
	 * @param stages the stages
	 * @return the values, in order
	 */
	public static <T> CompletableFuture<List<@Nullable T>> all(
			Collection<? extends CompletionStage<? extends T>> stages) {
		List<CompletionStage<? extends T>> list = List.copyOf(stages);
		CompletableFuture<List<@Nullable T>> result = new CompletableFuture<>();
		Object[] values = new Object[list.size()];
		AtomicInteger remaining = new AtomicInteger(list.size());
		if (list.isEmpty()) {
			result.complete(Collections.emptyList());
			return result;
		}
		cancelAllWhenCancelled(result, list);
		for (int i = 0; i < list.size(); i++) {
			int index = i;
			list.get(i).whenComplete((value, failure) -> {
				if (failure != null) {
					if (result.completeExceptionally(Failures.unwrap(failure))) {
						cancelAll(list);
					}
					return;
				}
				values[index] = value;
				if (remaining.decrementAndGet() == 0) {
					result.complete(asList(values));
				}
			});
		}
		return result;
	}

	/**
	 * Wait for every stage of a map; the result has the same keys in the same iteration
	 * order. Fails as soon as one stage fails, with that stage's exception, and cancels
	 * the others.
	 * @param <T> the value type
	 * @param stages the stages by name
	 * @return the values by name
	 */
	public static <T> CompletableFuture<Map<String, @Nullable T>> named(
			Map<String, ? extends CompletionStage<? extends T>> stages) {
		List<String> keys = new ArrayList<>(stages.keySet());
		List<CompletionStage<? extends T>> values = new ArrayList<>(keys.size());
		for (String key : keys) {
			values.add(stages.get(key));
		}
		CompletableFuture<List<@Nullable T>> all = Gather.<T>all(values);
		CompletableFuture<Map<String, @Nullable T>> result = new CompletableFuture<>();
		all.whenComplete((list, failure) -> {
			if (failure != null) {
				// passed on as is: thenApply would wrap it in a CompletionException
				result.completeExceptionally(failure);
				return;
			}
			Map<String, @Nullable T> byName = new LinkedHashMap<>();
			for (int i = 0; i < keys.size(); i++) {
				byName.put(keys.get(i), list.get(i));
			}
			result.complete(Collections.unmodifiableMap(byName));
		});
		result.whenComplete((value, failure) -> {
			if (result.isCancelled()) {
				all.cancel(true);
			}
		});
		return result;
	}

	/**
	 * Wait for every stage, successful or not; never fails.
	 * @param <T> the value type
	 * @param stages the stages
	 * @return one outcome per stage, in order
	 */
	public static <T> CompletableFuture<List<Outcome<T>>> settled(
			Collection<? extends CompletionStage<? extends T>> stages) {
		List<CompletionStage<? extends T>> list = List.copyOf(stages);
		CompletableFuture<List<Outcome<T>>> result = new CompletableFuture<>();
		if (list.isEmpty()) {
			result.complete(Collections.emptyList());
			return result;
		}
		@SuppressWarnings("unchecked")
		Outcome<T>[] outcomes = new Outcome[list.size()];
		AtomicInteger remaining = new AtomicInteger(list.size());
		for (int i = 0; i < list.size(); i++) {
			int index = i;
			list.get(i).whenComplete((value, failure) -> {
				outcomes[index] = (failure != null) ? Outcome.failure(Failures.unwrap(failure))
						: Outcome.success(value);
				if (remaining.decrementAndGet() == 0) {
					result.complete(Collections.unmodifiableList(Arrays.asList(outcomes)));
				}
			});
		}
		return result;
	}

	/**
	 * Start the suppliers in order, never more than {@code maxConcurrent} of their stages
	 * pending at once, and gather the values in order. Fails as soon as one supplier
	 * throws or its stage fails: no further supplier is started and the pending stages
	 * are cancelled. Cancelling the returned future does the same.
	 * @param <T> the value type
	 * @param maxConcurrent the most stages pending at once, at least 1
	 * @param suppliers the work, started in order
	 * @return the values, in order
	 */
	public static <T> CompletableFuture<List<@Nullable T>> bounded(int maxConcurrent,
			List<? extends Supplier<? extends CompletionStage<? extends T>>> suppliers) {
		if (maxConcurrent < 1) {
			throw new IllegalArgumentException("maxConcurrent must be at least 1, was " + maxConcurrent);
		}
		return new BoundedGather<T>(maxConcurrent, List.copyOf(suppliers)).start();
	}

	private static void cancelAllWhenCancelled(CompletableFuture<?> result, List<? extends CompletionStage<?>> stages) {
		result.whenComplete((value, failure) -> {
			if (result.isCancelled()) {
				cancelAll(stages);
			}
		});
	}

	private static void cancelAll(Collection<? extends @Nullable CompletionStage<?>> stages) {
		for (CompletionStage<?> stage : stages) {
			// never throws: a stage that cannot be cancelled does not stop the others
			Stages.cancel(stage);
		}
	}

	@SuppressWarnings("unchecked")
	private static <T> List<@Nullable T> asList(Object[] values) {
		return Collections.unmodifiableList(Arrays.asList((T[]) values));
	}

	/**
	 * The state of one {@link #bounded} call. Starting is driven by a work counter rather
	 * than recursion, so stages that complete at once never grow the stack.
	 */
	private static final class BoundedGather<T> {

		private final int maxConcurrent;

		private final List<? extends Supplier<? extends CompletionStage<? extends T>>> suppliers;

		private final Object[] values;

		private final List<@Nullable CompletionStage<? extends T>> started;

		private final CompletableFuture<List<@Nullable T>> result = new CompletableFuture<>();

		private final AtomicInteger work = new AtomicInteger();

		private final AtomicInteger pending = new AtomicInteger();

		private final AtomicInteger remaining;

		private int next;

		BoundedGather(int maxConcurrent, List<? extends Supplier<? extends CompletionStage<? extends T>>> suppliers) {
			this.maxConcurrent = maxConcurrent;
			this.suppliers = suppliers;
			this.values = new Object[suppliers.size()];
			this.started = new ArrayList<>(Collections.nCopies(suppliers.size(), null));
			this.remaining = new AtomicInteger(suppliers.size());
		}

		CompletableFuture<List<@Nullable T>> start() {
			if (this.suppliers.isEmpty()) {
				this.result.complete(Collections.emptyList());
				return this.result;
			}
			this.result.whenComplete((value, failure) -> {
				if (this.result.isCompletedExceptionally()) {
					synchronized (this.started) {
						cancelAll(this.started);
					}
				}
			});
			drive();
			return this.result;
		}

		private void drive() {
			if (this.work.getAndIncrement() != 0) {
				return;
			}
			do {
				while (!this.result.isDone() && this.next < this.suppliers.size()
						&& this.pending.get() < this.maxConcurrent) {
					int index = this.next++;
					this.pending.incrementAndGet();
					launch(index);
				}
			}
			while (this.work.decrementAndGet() != 0);
		}

		private void launch(int index) {
			CompletionStage<? extends T> stage;
			try {
				stage = this.suppliers.get(index).get();
				if (stage == null) {
					throw new NullPointerException("Supplier " + index + " returned null instead of a stage");
				}
			}
			catch (Throwable ex) {
				this.result.completeExceptionally(ex);
				return;
			}
			synchronized (this.started) {
				this.started.set(index, stage);
			}
			if (this.result.isDone()) {
				Stages.cancel(stage);
				return;
			}
			stage.whenComplete((value, failure) -> {
				if (failure != null) {
					this.result.completeExceptionally(Failures.unwrap(failure));
					return;
				}
				this.values[index] = value;
				synchronized (this.started) {
					this.started.set(index, null);
				}
				if (this.remaining.decrementAndGet() == 0) {
					this.result.complete(asList(this.values));
					return;
				}
				this.pending.decrementAndGet();
				drive();
			});
		}

	}

}
