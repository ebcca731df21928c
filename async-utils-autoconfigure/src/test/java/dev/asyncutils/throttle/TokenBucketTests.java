package dev.asyncutils.throttle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.asyncutils.ThrottleRejectedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The token bucket on a fake clock: exact admission counts (burst, refill, fractional
 * rates, long periods), reservations and their waits, rejection beyond max-wait, refunds,
 * and the bound {@code burst + rate * t / per} over every window of a random run.
 */
@Timeout(60)
class TokenBucketTests {

	private static final long MS = 1_000_000L;

	private static final long SECOND = 1_000_000_000L;

	private final AtomicLong clock = new AtomicLong(7 * SECOND);

	private TokenBucket bucket(double rate, Duration per, int burst, Duration maxWait) {
		return new TokenBucket(new ThrottleSettings("t", rate, per, burst, maxWait), this.clock::get);
	}

	private TokenBucket bucket(double rate, Duration per, int burst) {
		return bucket(rate, per, burst, null);
	}

	private void advance(long nanos) {
		this.clock.addAndGet(nanos);
	}

	private static int drain(TokenBucket bucket) {
		int taken = 0;
		while (bucket.tryAcquire()) {
			taken++;
			assertThat(taken).as("permits taken at one instant").isLessThanOrEqualTo(1_000);
		}
		return taken;
	}

	@Test
	void burstIsAvailableAtStartAndNoMore() {
		TokenBucket bucket = bucket(10, Duration.ofSeconds(1), 5);
		assertThat(bucket.availablePermits()).isEqualTo(5);
		for (int i = 0; i < 5; i++) {
			assertThat(bucket.tryAcquire()).as("permit %d", i + 1).isTrue();
			assertThat(bucket.availablePermits()).isEqualTo(4 - i);
		}
		assertThat(bucket.tryAcquire()).isFalse();
		assertThat(bucket.tryAcquire()).isFalse();
		assertThat(bucket.availablePermits()).isZero();
	}

	@Test
	void refillsOnePermitPerIntervalAndNeverBeyondBurst() {
		TokenBucket bucket = bucket(10, Duration.ofSeconds(1), 5);
		assertThat(drain(bucket)).isEqualTo(5);
		advance(100 * MS - 1);
		assertThat(bucket.tryAcquire()).isFalse();
		advance(1);
		assertThat(drain(bucket)).isEqualTo(1);
		advance(250 * MS);
		assertThat(bucket.availablePermits()).isEqualTo(2);
		assertThat(drain(bucket)).isEqualTo(2);
		advance(1 * SECOND);
		assertThat(bucket.availablePermits()).isEqualTo(5);
		assertThat(drain(bucket)).isEqualTo(5);
		advance(TimeUnit.HOURS.toNanos(1));
		assertThat(bucket.availablePermits()).isEqualTo(5);
		assertThat(drain(bucket)).isEqualTo(5);
	}

	@Test
	void halfAPermitPerSecondIsOnePermitEveryTwoSeconds() {
		TokenBucket bucket = bucket(0.5, Duration.ofSeconds(1), 1);
		assertThat(drain(bucket)).isEqualTo(1);
		advance(2 * SECOND - 1);
		assertThat(bucket.tryAcquire()).isFalse();
		assertThat(bucket.timeUntilPermit()).isEqualTo(Duration.ofNanos(1));
		advance(1);
		assertThat(drain(bucket)).isEqualTo(1);
		advance(2 * SECOND);
		assertThat(drain(bucket)).isEqualTo(1);
	}

	@Test
	void twoAndAHalfPermitsPerSecondComeEvery400ms() {
		TokenBucket bucket = bucket(2.5, Duration.ofSeconds(1), 1);
		long start = this.clock.get();
		List<Long> admitted = new ArrayList<>();
		for (long step = 0; step <= 10_000; step++) {
			if (bucket.tryAcquire()) {
				admitted.add(this.clock.get() - start);
			}
			advance(MS);
		}
		assertThat(admitted).hasSize(26);
		for (int i = 0; i < admitted.size(); i++) {
			assertThat(admitted.get(i)).isEqualTo(i * 400 * MS);
		}
	}

	@Test
	void intervalIsRoundedUpSoRoundingNeverAdmitsMore() {
		// 1s / 3 = 333,333,333.33ns: the bucket must use 333,333,334ns
		TokenBucket single = bucket(3, Duration.ofSeconds(1), 1);
		assertThat(single.tryAcquire()).isTrue();
		advance(333_333_333);
		assertThat(single.tryAcquire()).isFalse();
		advance(1);
		assertThat(single.tryAcquire()).isTrue();
		TokenBucket bucket = bucket(3, Duration.ofSeconds(1), 3);
		assertThat(drain(bucket)).isEqualTo(3);
		// after exactly 1s only 2 permits are back: the third is due at 3 x 333,333,334ns
		advance(SECOND);
		assertThat(drain(bucket)).isEqualTo(2);
		advance(1);
		assertThat(bucket.tryAcquire()).isFalse();
		advance(1);
		assertThat(drain(bucket)).isEqualTo(1);
	}

	@Test
	void fivePerMinuteGivesFiveAtOnceThenOneEveryTwelveSeconds() {
		TokenBucket bucket = bucket(5, Duration.ofMinutes(1), 5);
		assertThat(drain(bucket)).isEqualTo(5);
		assertThat(bucket.timeUntilPermit()).isEqualTo(Duration.ofSeconds(12));
		advance(11_999 * MS);
		assertThat(bucket.tryAcquire()).isFalse();
		assertThat(bucket.timeUntilPermit()).isEqualTo(Duration.ofMillis(1));
		advance(MS);
		assertThat(bucket.tryAcquire()).isTrue();
		assertThat(bucket.tryAcquire()).isFalse();
		advance(12 * SECOND - 1);
		assertThat(bucket.tryAcquire()).isFalse();
		advance(1);
		assertThat(drain(bucket)).isEqualTo(1);
		advance(60 * SECOND);
		assertThat(drain(bucket)).isEqualTo(5);
	}

	@Test
	void consecutiveReservationsWaitOneIntervalMoreEach() {
		TokenBucket bucket = bucket(10, Duration.ofSeconds(1), 2);
		long now = this.clock.get();
		long[] tokens = new long[6];
		for (int i = 0; i < tokens.length; i++) {
			tokens[i] = bucket.reserve(Long.MAX_VALUE);
			assertThat(tokens[i]).isNotEqualTo(TokenBucket.REJECTED);
		}
		long[] expectedWaits = { 0, 0, 100 * MS, 200 * MS, 300 * MS, 400 * MS };
		for (int i = 0; i < tokens.length; i++) {
			assertThat(bucket.waitNanos(tokens[i], now)).as("wait of reservation %d", i + 1)
				.isEqualTo(expectedWaits[i]);
		}
		assertThat(bucket.availablePermits()).isZero();
		assertThat(bucket.timeUntilPermit()).isEqualTo(Duration.ofMillis(500));
		advance(150 * MS);
		assertThat(bucket.waitNanos(tokens[2], this.clock.get())).isZero();
		assertThat(bucket.waitNanos(tokens[3], this.clock.get())).isEqualTo(50 * MS);
		assertThat(bucket.waitNanos(tokens[5], this.clock.get())).isEqualTo(250 * MS);
	}

	@Test
	void reservationBeyondMaxWaitIsRejectedAndLeavesTheBucketUnchanged() {
		TokenBucket bucket = bucket(10, Duration.ofSeconds(1), 1, Duration.ofMillis(250));
		long now = this.clock.get();
		assertThat(bucket.waitNanos(bucket.reserve(), now)).isZero();
		assertThat(bucket.waitNanos(bucket.reserve(), now)).isEqualTo(100 * MS);
		assertThat(bucket.waitNanos(bucket.reserve(), now)).isEqualTo(200 * MS);
		for (int i = 0; i < 3; i++) {
			assertThat(bucket.reserve()).isEqualTo(TokenBucket.REJECTED);
			assertThat(bucket.timeUntilPermit()).isEqualTo(Duration.ofMillis(300));
		}
		assertThat(bucket.reserve(300 * MS - 1)).isEqualTo(TokenBucket.REJECTED);
		long atLimit = bucket.reserve(300 * MS);
		assertThat(atLimit).isNotEqualTo(TokenBucket.REJECTED);
		assertThat(bucket.waitNanos(atLimit, now)).isEqualTo(300 * MS);
		assertThat(bucket.waitNanos(bucket.reserve(Long.MAX_VALUE), now)).isEqualTo(400 * MS);
	}

	@Test
	void tryAcquireNeverReserves() {
		TokenBucket bucket = bucket(10, Duration.ofSeconds(1), 1);
		assertThat(bucket.tryAcquire()).isTrue();
		for (int i = 0; i < 10; i++) {
			assertThat(bucket.tryAcquire()).isFalse();
		}
		assertThat(bucket.timeUntilPermit()).isEqualTo(Duration.ofMillis(100));
		advance(100 * MS);
		assertThat(bucket.tryAcquire()).isTrue();
	}

	@Test
	void rejectionCarriesTheExactTimeUntilTheNextPermit() {
		TokenBucket bucket = bucket(10, Duration.ofSeconds(1), 5, Duration.ZERO);
		assertThat(drain(bucket)).isEqualTo(5);
		assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(bucket::acquire).satisfies((ex) -> {
			assertThat(ex.name()).isEqualTo("t");
			assertThat(ex.retryAfter()).isEqualTo(Duration.ofMillis(100));
			assertThat(ex.getMessage()).contains("'t'", "100ms");
		});
		advance(30 * MS);
		assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(bucket::acquire)
			.satisfies((ex) -> assertThat(ex.retryAfter()).isEqualTo(Duration.ofMillis(70)));
		advance(70 * MS);
		assertThat(bucket.timeUntilPermit()).isZero();
		bucket.acquire();
		assertThat(bucket.timeUntilPermit()).isEqualTo(Duration.ofMillis(100));
	}

	@Test
	void timeUntilPermitIsTheWaitOfTheNextReservation() {
		TokenBucket bucket = bucket(2.5, Duration.ofSeconds(1), 3);
		Random random = new Random(42);
		for (int i = 0; i < 2_000; i++) {
			advance(random.nextInt(600) * MS);
			Duration predicted = bucket.timeUntilPermit();
			long token = bucket.reserve(random.nextBoolean() ? 0 : Long.MAX_VALUE);
			if (token == TokenBucket.REJECTED) {
				assertThat(predicted).isPositive();
			}
			else {
				assertThat(Duration.ofNanos(bucket.waitNanos(token, this.clock.get()))).isEqualTo(predicted);
			}
		}
	}

	@Test
	void availablePermitsIsWhatCanBeTakenBackToBack() {
		TokenBucket bucket = bucket(10, Duration.ofSeconds(1), 5);
		Random random = new Random(7);
		int nonTrivial = 0;
		for (int i = 0; i < 2_000; i++) {
			advance(random.nextInt(700) * MS);
			int take = random.nextInt(6);
			for (int j = 0; j < take; j++) {
				bucket.tryAcquire();
			}
			int available = bucket.availablePermits();
			if (available > 0 && available < 5) {
				nonTrivial++;
			}
			assertThat(drain(bucket)).isEqualTo(available);
		}
		assertThat(nonTrivial).isGreaterThan(100);
	}

	@Test
	void cancelRefundsOnlyTheLatestReservation() {
		TokenBucket bucket = bucket(10, Duration.ofSeconds(1), 1);
		long now = this.clock.get();
		long a = bucket.reserve(Long.MAX_VALUE);
		long b = bucket.reserve(Long.MAX_VALUE);
		long c = bucket.reserve(Long.MAX_VALUE);
		assertThat(bucket.timeUntilPermit()).isEqualTo(Duration.ofMillis(300));
		assertThat(bucket.cancel(b)).isFalse();
		assertThat(bucket.cancel(a)).isFalse();
		assertThat(bucket.timeUntilPermit()).isEqualTo(Duration.ofMillis(300));
		long d = bucket.reserve(Long.MAX_VALUE);
		assertThat(bucket.waitNanos(d, now)).isEqualTo(300 * MS);
		assertThat(bucket.cancel(d)).isTrue();
		assertThat(bucket.cancel(d)).isFalse();
		assertThat(bucket.timeUntilPermit()).isEqualTo(Duration.ofMillis(300));
		long again = bucket.reserve(Long.MAX_VALUE);
		assertThat(again).isEqualTo(d);
		assertThat(bucket.cancel(again)).isTrue();
		assertThat(bucket.cancel(c)).isTrue();
		assertThat(bucket.timeUntilPermit()).isEqualTo(Duration.ofMillis(200));
		assertThat(bucket.waitNanos(bucket.reserve(Long.MAX_VALUE), now)).isEqualTo(200 * MS);
	}

	@Test
	void cancellingEveryReservationInReverseOrderRestoresAFullBucket() {
		TokenBucket bucket = bucket(10, Duration.ofSeconds(1), 3);
		long[] tokens = new long[5];
		for (int i = 0; i < tokens.length; i++) {
			tokens[i] = bucket.reserve(Long.MAX_VALUE);
		}
		assertThat(bucket.availablePermits()).isZero();
		for (int i = tokens.length - 1; i >= 0; i--) {
			assertThat(bucket.cancel(tokens[i])).isTrue();
		}
		assertThat(bucket.availablePermits()).isEqualTo(3);
		assertThat(drain(bucket)).isEqualTo(3);
	}

	@Test
	void aFailedCancelCreatesNoExtraPermit() {
		TokenBucket bucket = bucket(10, Duration.ofSeconds(1), 2);
		long first = bucket.reserve(Long.MAX_VALUE);
		bucket.reserve(Long.MAX_VALUE);
		assertThat(bucket.cancel(first)).isFalse();
		assertThat(bucket.tryAcquire()).isFalse();
		int admitted = 0;
		for (int step = 0; step < 1_000; step++) {
			advance(MS);
			if (bucket.tryAcquire()) {
				admitted++;
			}
		}
		// the bucket was empty at the start: one permit per 100ms in 1s
		assertThat(admitted).isEqualTo(10);
	}

	@Test
	void worksAcrossTheWrapAroundOfTheClock() {
		this.clock.set(Long.MAX_VALUE - 150 * MS);
		TokenBucket bucket = bucket(10, Duration.ofSeconds(1), 2);
		assertThat(drain(bucket)).isEqualTo(2);
		long before = this.clock.get();
		long token = bucket.reserve(Long.MAX_VALUE);
		assertThat(bucket.waitNanos(token, before)).isEqualTo(100 * MS);
		advance(100 * MS - 1);
		assertThat(bucket.waitNanos(token, this.clock.get())).isEqualTo(1);
		assertThat(bucket.tryAcquire()).isFalse();
		advance(1);
		assertThat(bucket.waitNanos(token, this.clock.get())).isZero();
		advance(100 * MS);
		assertThat(this.clock.get()).isNegative();
		assertThat(drain(bucket)).isEqualTo(1);
		advance(SECOND);
		assertThat(bucket.availablePermits()).isEqualTo(2);
		assertThat(drain(bucket)).isEqualTo(2);
	}

	@Test
	void acquireWaitsUntilThePermitIsDueOnTheBucketsClock() throws Exception {
		TokenBucket bucket = bucket(10, Duration.ofSeconds(1), 1);
		bucket.acquire();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Thread waiter = new Thread(() -> {
			try {
				bucket.acquire();
			}
			catch (Throwable ex) {
				failure.set(ex);
			}
		});
		waiter.start();
		waiter.join(400);
		assertThat(waiter.isAlive()).as("waiting while the clock stands still").isTrue();
		advance(100 * MS);
		waiter.join(10_000);
		assertThat(waiter.isAlive()).isFalse();
		assertThat(failure.get()).isNull();
		assertThat(bucket.timeUntilPermit()).isEqualTo(Duration.ofMillis(100));
	}

	@Test
	void interruptedAcquireGivesThePermitBackAndKeepsTheFlag() throws Exception {
		TokenBucket bucket = bucket(10, Duration.ofSeconds(1), 1);
		bucket.acquire();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		AtomicReference<Boolean> interrupted = new AtomicReference<>();
		Thread waiter = new Thread(() -> {
			try {
				bucket.acquire();
			}
			catch (Throwable ex) {
				failure.set(ex);
			}
			interrupted.set(Thread.currentThread().isInterrupted());
		});
		waiter.start();
		awaitUntil(() -> bucket.timeUntilPermit().equals(Duration.ofMillis(200)));
		waiter.interrupt();
		waiter.join(10_000);
		assertThat(waiter.isAlive()).isFalse();
		assertThat(failure.get()).isInstanceOf(ThrottleRejectedException.class).hasMessageContaining("interrupted");
		assertThat(((ThrottleRejectedException) failure.get()).retryAfter()).isEqualTo(Duration.ofMillis(100));
		assertThat(interrupted.get()).isTrue();
		assertThat(bucket.timeUntilPermit()).isEqualTo(Duration.ofMillis(100));
	}

	static void awaitUntil(BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime() - deadline).as("condition met within 10s").isNegative();
			Thread.sleep(2);
		}
	}

	/**
	 * A random run: clock jumps (sometimes none, sometimes long idle), immediate takes,
	 * reservations with random max-wait (the call starts at its permit time) and
	 * cancellations of reservations that have not started. Over every window between two
	 * starts, the count must not exceed {@code burst + rate * t / per}.
	 */
	@ParameterizedTest
	@CsvSource({ "10, 1, 1000, 5, 1", "5, 2, 1000, 3, 2", "5, 1, 60000, 5, 3", "3, 1, 1000, 1, 4",
			"1000, 1, 1000, 10, 5", "1, 3, 1000, 2, 6" })
	void neverMoreThanBurstPlusRateTimesTimeInAnyWindow(long rateNumerator, long rateDenominator, long perMillis,
			int burst, long seed) {
		Duration per = Duration.ofMillis(perMillis);
		TokenBucket bucket = bucket((double) rateNumerator / rateDenominator, per, burst);
		long interval = bucket.settings().intervalNanos();
		Random random = new Random(seed);
		List<Long> started = new ArrayList<>();
		List<long[]> pending = new ArrayList<>();
		int rejected = 0;
		int refunded = 0;
		for (int op = 0; op < 6_000; op++) {
			int jump = random.nextInt(10);
			if (jump >= 5) {
				advance((long) (random.nextDouble() * ((jump == 9) ? 5 * burst : 2) * interval));
			}
			long now = this.clock.get();
			pending.removeIf((reservation) -> {
				if (reservation[1] - now <= 0) {
					started.add(reservation[1]);
					return true;
				}
				return false;
			});
			int action = random.nextInt(10);
			if (action < 5) {
				if (bucket.tryAcquire()) {
					started.add(now);
				}
				else {
					rejected++;
				}
			}
			else if (action < 8) {
				long token = bucket.reserve((long) (random.nextDouble() * 3 * interval));
				if (token == TokenBucket.REJECTED) {
					rejected++;
				}
				else {
					pending.add(new long[] { token, now + bucket.waitNanos(token, now) });
				}
			}
			else if (!pending.isEmpty()) {
				// a waiting caller gives up: it never starts, refunded or not
				long[] quitter = pending.remove(random.nextInt(pending.size()));
				if (bucket.cancel(quitter[0])) {
					refunded++;
				}
			}
		}
		pending.forEach((reservation) -> started.add(reservation[1]));
		started.sort(null);
		assertThat(started).hasSizeGreaterThan(500);
		assertThat(rejected).isGreaterThan(100);
		assertThat(refunded).isGreaterThan(10);
		long perNanos = per.toNanos();
		int tight = 0;
		for (int i = 0; i < started.size(); i++) {
			for (int j = i; j < started.size(); j++) {
				long span = started.get(j) - started.get(i);
				// allowed = burst + floor(rate * span / per), in exact integer arithmetic
				long allowed = burst
						+ Math.multiplyExact(rateNumerator, span) / Math.multiplyExact(rateDenominator, perNanos);
				long count = j - i + 1;
				if (count > allowed) {
					throw new AssertionError(count + " starts within " + span + "ns (from start #" + i + "), at most "
							+ allowed + " allowed");
				}
				if (count == allowed) {
					tight++;
				}
			}
		}
		// the run pushes the bucket to its limit: the check is not vacuous
		assertThat(tight).isGreaterThan(0);
	}

	@Test
	void aBacklogBeyondWhatNanosecondsHoldIsRejectedNeverWrappedAround() {
		// one permit a week, unbounded max-wait: 15,250 reservations pass 2^63 ns
		TokenBucket bucket = bucket(1, Duration.ofDays(7), 1, null);
		long previous = -1;
		int reserved = 0;
		int rejected = 0;
		for (int i = 0; i < 20_000; i++) {
			long token = bucket.reserve(Long.MAX_VALUE);
			if (token == TokenBucket.REJECTED) {
				rejected++;
				continue;
			}
			long wait = bucket.waitNanos(token, this.clock.get());
			// every later reservation waits longer than the one before: the bucket never
			// looks full again
			assertThat(wait).as("wait of reservation %d", i).isGreaterThan(previous);
			previous = wait;
			reserved++;
		}
		assertThat(reserved).isGreaterThan(1000);
		assertThat(rejected).isPositive();
		assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(bucket::acquire);
	}

}
