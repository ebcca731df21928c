package dev.asyncutils.core;

import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * Context that travels with a call: thread-local values registered with Micrometer's
 * Context Propagation library ({@code io.micrometer.context.ContextRegistry}: the current
 * observation and trace, MDC when its accessor is registered, any
 * {@code ThreadLocalAccessor} an application registers) are captured when a guarded
 * method is called and restored around the user code async-utils runs for that call on
 * another thread ({@link Call#enterContext()}), then cleared. Without that library on the
 * class path nothing is captured.
 *
 * <p>
 * Capturing costs nothing but a look at each registered accessor when none holds a value;
 * only calls that may run user code elsewhere (asynchronous return kinds, cleanup
 * methods) capture at all.
 */
public final class CallContexts {

	private static final boolean PRESENT = ClassUtils.isPresent("io.micrometer.context.ContextSnapshotFactory",
			CallContexts.class.getClassLoader());

	/** A scope that restores nothing. */
	public static final Scope NONE = () -> {
	};

	private CallContexts() {
	}

	/**
	 * Capture the calling thread's context.
	 * @return the snapshot, or {@code null} when there is nothing to carry
	 */
	static @Nullable Object capture() {
		return PRESENT ? MicrometerContexts.capture() : null;
	}

	/**
	 * Restore a captured context on the current thread.
	 * @param snapshot what {@link #capture()} returned
	 * @return the scope to close afterwards, which puts back what the thread held
	 */
	static Scope restore(Object snapshot) {
		return MicrometerContexts.restore(snapshot);
	}

	/**
	 * The thread-local values of a call, in place until closed.
	 */
	@FunctionalInterface
	public interface Scope extends AutoCloseable {

		@Override
		void close();

	}

}
