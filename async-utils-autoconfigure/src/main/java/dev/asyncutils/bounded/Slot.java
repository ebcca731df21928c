package dev.asyncutils.bounded;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import dev.asyncutils.core.admission.Permit;

/**
 * One slot of a {@link BoundedLimiter}, taken by {@link BoundedLimiter#acquire()} or
 * {@link BoundedLimiter#tryAcquire()}: closing it gives back exactly this slot (in this
 * JVM, or in the remote store where it was taken), once; a second {@link #close()} does
 * nothing.
 *
 * <pre class="code">
 * try (Slot slot = reports.acquire()) {
 *     render();
 * }
 * </pre>
 */
public final class Slot implements AutoCloseable {

	private static final VarHandle CLOSED;

	static {
		try {
			CLOSED = MethodHandles.lookup().findVarHandle(Slot.class, "closed", boolean.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final String name;

	private final Permit permit;

	@SuppressWarnings("unused") // accessed through CLOSED
	private volatile boolean closed;

	Slot(String name, Permit permit) {
		this.name = name;
		this.permit = permit;
	}

	/**
	 * Give this slot back, once.
	 */
	@Override
	public void close() {
		if (CLOSED.compareAndSet(this, false, true)) {
			this.permit.release();
		}
	}

	/**
	 * Return whether this slot was given back.
	 * @return {@code true} once closed
	 */
	public boolean isClosed() {
		return this.closed;
	}

	@Override
	public String toString() {
		return "Slot of bounded '" + this.name + "'" + (this.closed ? " (closed)" : "");
	}

}
