package dev.asyncutils.backend;

/**
 * This process's part of a limit shared through a remote backend, used by the
 * {@code local} failure mode while the backend is unavailable: the limit divided among
 * the processes that use the instance, as last learned from the backend, so that together
 * they stay within the one limit.
 *
 * <p>
 * An amount (slots, a burst) is divided into whole parts: each process gets
 * {@code amount / members}, and the remainder goes one each to the first processes by
 * {@code rank}; the parts add up to the amount exactly, and a process gets at least 1
 * wherever {@code amount >= members}. A rate is divided exactly ({@code per} multiplied
 * by the divisor). Before the process ever learned the count ({@link #UNKNOWN}) it takes
 * the smallest part that still admits calls: 1 of the amount, as if {@code amount}
 * processes shared it.
 *
 * @param members how many processes use the instance, this one included; {@code 0} when
 * not known (the backend was never reached)
 * @param rank this process's place among them, from {@code 0} to {@code members - 1}
 */
public record FallbackShare(int members, int rank) {

	/** The share of a process that never reached its backend. */
	public static final FallbackShare UNKNOWN = new FallbackShare(0, 0);

	/** The share of a process alone: the whole limit. */
	public static final FallbackShare ALONE = new FallbackShare(1, 0);

	/**
	 * Create a share.
	 * @param members how many processes use the instance, {@code 0} for unknown
	 * @param rank this process's place among them
	 */
	public FallbackShare {
		if (members < 0 || rank < 0 || (members > 0 && rank >= members)) {
			throw new IllegalArgumentException("Invalid share: rank " + rank + " of " + members + " members");
		}
	}

	/**
	 * Return whether the number of processes is known.
	 * @return {@code false} until the backend answered once
	 */
	public boolean known() {
		return this.members > 0;
	}

	/**
	 * Return this process's whole part of an amount (slots, a burst).
	 * @param amount the amount of the whole limit, at least 1
	 * @return the part, from 0 to {@code amount}
	 */
	public int of(int amount) {
		if (!known()) {
			return Math.min(1, amount);
		}
		return amount / this.members + ((this.rank < amount % this.members) ? 1 : 0);
	}

	/**
	 * Return by how much a rate is divided, alongside an amount divided by {@link #of}:
	 * the number of members, or when unknown the amount itself (as if that many processes
	 * shared it).
	 * @param amount the amount of the whole limit (its burst)
	 * @return the divisor, at least 1
	 */
	public int divisor(int amount) {
		return known() ? this.members : Math.max(1, amount);
	}

	@Override
	public String toString() {
		return known() ? (this.rank + 1) + " of " + this.members + " processes" : "processes unknown";
	}

}
