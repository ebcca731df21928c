package dev.asyncutils.core;

import java.util.List;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;

/**
 * {@link CallContexts} on Micrometer's Context Propagation library; loaded only when it
 * is on the class path. Reads the accessors of {@link ContextRegistry#getInstance()} on
 * every capture, so that accessors registered after startup count too.
 */
final class MicrometerContexts {

	private static final ContextRegistry registry = ContextRegistry.getInstance();

	/**
	 * Clears, around user code, what a worker thread holds for accessors we did not
	 * capture.
	 */
	private static final ContextSnapshotFactory factory = ContextSnapshotFactory.builder()
		.contextRegistry(registry)
		.clearMissing(true)
		.build();

	private MicrometerContexts() {
	}

	static @Nullable Object capture() {
		List<ThreadLocalAccessor<?>> accessors = registry.getThreadLocalAccessors();
		for (int i = 0, size = accessors.size(); i < size; i++) {
			if (accessors.get(i).getValue() != null) {
				return factory.captureAll();
			}
		}
		return null;
	}

	static CallContexts.Scope restore(Object snapshot) {
		ContextSnapshot.Scope scope = ((ContextSnapshot) snapshot).setThreadLocals();
		return scope::close;
	}

}
