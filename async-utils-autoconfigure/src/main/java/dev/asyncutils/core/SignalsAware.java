package dev.asyncutils.core;

/**
 * A capability whose instances signal what happens to them (a circuit breaker's state
 * changes, say): at startup it is given the context's {@link Signals} once and hands them
 * to its instances, those of now and those created later.
 */
public interface SignalsAware {

	/**
	 * Use these signals from now on.
	 * @param signals the context's signals (events, observations)
	 */
	void signals(Signals signals);

}
