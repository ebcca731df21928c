package dev.asyncutils.observe;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;

import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.core.CallObserver;
import dev.asyncutils.core.Call;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.MethodContext;

/**
 * Every guarded call as an {@link Observation} named {@value #NAME}, with the
 * low-cardinality keys {@code name}, {@code kinds} and {@code outcome}. The observation
 * is current (in scope) while the chain runs on the caller's thread, so user code and the
 * signals of that thread (retries, waits, ...) see it; an asynchronous call's observation
 * stops when its stage completes or its publisher terminates or is cancelled. Without an
 * {@link ObservationRegistry}, or with the no-op one, methods are not wrapped at all.
 */
public final class CallObservations implements CallObserver {

	/** The name of the observations. */
	public static final String NAME = "asyncutils.call";

	static final String SUCCESS = "success";

	static final String FAILURE = "failure";

	static final String REJECTED = "rejected";

	static final String TIMEOUT = "timeout";

	static final String CANCELLED = "cancelled";

	private final ObjectProvider<ObservationRegistry> registry;

	/**
	 * Create the observer.
	 * @param registry the observation registry, resolved when the first guarded method is
	 * resolved
	 */
	public CallObservations(ObjectProvider<ObservationRegistry> registry) {
		this.registry = registry;
	}

	@Override
	public Invoker observe(MethodContext method, String name, List<String> kinds, Invoker chain) {
		ObservationRegistry registry = this.registry.getIfAvailable();
		if (registry == null || registry == ObservationRegistry.NOOP) {
			return chain;
		}
		Keys keys = new Keys(name, String.join(",", kinds));
		return switch (method.returnKind()) {
			case PLAIN -> (call) -> plain(registry, keys, chain, call);
			case COMPLETION_STAGE -> (call) -> stage(registry, keys, chain, call);
			case MONO -> ReactiveObservations.mono(registry, keys, chain);
			case FLUX -> ReactiveObservations.flux(registry, keys, chain);
		};
	}

	private static @Nullable Object plain(ObservationRegistry registry, Keys keys, Invoker chain, Call call)
			throws Throwable {
		if (registry.isNoop()) {
			// no handler (yet): nothing to observe, nothing to allocate
			return chain.invoke(call);
		}
		Observation observation = start(registry, keys);
		try (Observation.Scope scope = observation.openScope()) {
			Object result = chain.invoke(call);
			observation.lowCardinalityKeyValue(keys.success);
			return result;
		}
		catch (Throwable failure) {
			failed(observation, keys, failure);
			throw failure;
		}
		finally {
			observation.stop();
		}
	}

	private static @Nullable Object stage(ObservationRegistry registry, Keys keys, Invoker chain, Call call)
			throws Throwable {
		if (registry.isNoop()) {
			return chain.invoke(call);
		}
		Observation observation = start(registry, keys);
		Object result;
		try (Observation.Scope scope = observation.openScope()) {
			result = chain.invoke(call);
		}
		catch (Throwable failure) {
			failed(observation, keys, failure);
			observation.stop();
			throw failure;
		}
		if (!(result instanceof CompletionStage<?> stage)) {
			// a null stage: the chain reports it
			observation.lowCardinalityKeyValue(keys.success);
			observation.stop();
			return result;
		}
		// observed on the side: the caller keeps the very stage the chain returned
		stage.whenComplete((value, failure) -> {
			if (failure == null) {
				observation.lowCardinalityKeyValue(keys.success);
			}
			else {
				failed(observation, keys, unwrap(failure));
			}
			observation.stop();
		});
		return result;
	}

	static Observation start(ObservationRegistry registry, Keys keys) {
		return Observation.createNotStarted(NAME, registry)
			.contextualName(keys.name)
			.lowCardinalityKeyValues(keys.identity)
			.start();
	}

	static void failed(Observation observation, Keys keys, Throwable failure) {
		observation.error(failure);
		observation.lowCardinalityKeyValue(keys.outcome(failure));
	}

	static Throwable unwrap(Throwable failure) {
		Throwable unwrapped = failure;
		while ((unwrapped instanceof CompletionException || unwrapped instanceof ExecutionException)
				&& unwrapped.getCause() != null) {
			unwrapped = unwrapped.getCause();
		}
		return unwrapped;
	}

	/**
	 * The key values of one method, made once.
	 */
	static final class Keys {

		final String name;

		final KeyValues identity;

		final KeyValue success = KeyValue.of("outcome", SUCCESS);

		final KeyValue failure = KeyValue.of("outcome", FAILURE);

		final KeyValue rejected = KeyValue.of("outcome", REJECTED);

		final KeyValue timeout = KeyValue.of("outcome", TIMEOUT);

		final KeyValue cancelled = KeyValue.of("outcome", CANCELLED);

		Keys(String name, String kinds) {
			this.name = name;
			this.identity = KeyValues.of(KeyValue.of("name", name), KeyValue.of("kinds", kinds));
		}

		KeyValue outcome(Throwable failure) {
			if (failure instanceof TimeoutExceededException) {
				return this.timeout;
			}
			if (failure instanceof RejectedExecutionException) {
				return this.rejected;
			}
			return this.failure;
		}

	}

}
