package dev.asyncutils.circuitbreaker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.CircuitOpenException;
import dev.asyncutils.CircuitState;
import dev.asyncutils.ThrottleRejectedException;
import dev.asyncutils.TimeoutExceededException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The state machine of one breaker on a hand-moved clock: every transition, each
 * threshold, both window kinds, and what counts. No sleeps.
 */
class CircuitTests {

	private final AtomicLong now = new AtomicLong(1_000_000_000L);

	private Circuit circuit(int minimumCalls, int windowCalls) {
		return circuit(settings(minimumCalls, windowCalls, null, null, 50, 100));
	}

	private Circuit circuit(BreakerSettings settings) {
		return new Circuit(settings, this.now::get);
	}

	private static BreakerSettings settings(int minimumCalls, int windowCalls, @Nullable Duration windowDuration,
			@Nullable Duration slowCallDuration, int failureRate, int slowRate) {
		return new BreakerSettings("test", failureRate, slowCallDuration, slowRate, minimumCalls,
				(windowDuration != null) ? 0 : windowCalls, windowDuration, Duration.ofSeconds(10), 3,
				List.of(Exception.class), List.of(IllegalArgumentException.class));
	}

	/** One call through the breaker: fails with {@code failure}, or succeeds. */
	private boolean call(Circuit circuit, @Nullable Throwable failure) {
		return call(circuit, failure, 0);
	}

	private boolean call(Circuit circuit, @Nullable Throwable failure, long tookNanos) {
		Circuit.Phase admitted = circuit.acquire();
		if (admitted == null) {
			CircuitOpenException rejected = circuit.rejected();
			assertThat(rejected.name()).isEqualTo("test");
			return false;
		}
		long start = circuit.start();
		this.now.addAndGet(tookNanos);
		if (failure == null) {
			circuit.succeeded(admitted, start);
		}
		else {
			circuit.failed(admitted, start, failure);
		}
		return true;
	}

	private void advance(Duration duration) {
		this.now.addAndGet(duration.toNanos());
	}

	@Test
	void opensWhenTheFailureRateReachesTheThresholdOnceMinimumCallsAreRecorded() {
		Circuit circuit = circuit(4, 10);
		call(circuit, new IOException());
		call(circuit, new IOException());
		call(circuit, new IOException());
		// 3 failures of 3: rate 100 %, but fewer than minimum-calls recorded
		assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
		assertThat(circuit.failureRate()).isEqualTo(-1f);
		call(circuit, null);
		// 3 of 4 = 75 % >= 50 %: a success can complete the minimum
		assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
		assertThat(circuit.transitionCount()).isEqualTo(1);
	}

	@Test
	void stayClosedJustBelowTheThresholdAndOpensExactlyAtIt() {
		Circuit circuit = circuit(4, 4);
		call(circuit, null);
		call(circuit, null);
		call(circuit, null);
		call(circuit, new IOException());
		assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
		assertThat(circuit.failureRate()).isEqualTo(25f);
		// the oldest success leaves the window of 4: 2 of 4 = 50 %
		call(circuit, new IOException());
		assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
	}

	@Test
	void countWindowForgetsCallsOlderThanTheLastN() {
		Circuit circuit = circuit(3, 3);
		call(circuit, new IOException());
		call(circuit, null);
		call(circuit, null);
		call(circuit, null);
		assertThat(circuit.callsInWindow()).isEqualTo(3);
		assertThat(circuit.failureRate()).isEqualTo(0f);
		call(circuit, null);
		call(circuit, new IOException());
		assertThat(circuit.failureRate()).isEqualTo(100f / 3);
		assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
	}

	@Test
	void openRejectsWithTheTimeLeftThenLetsExactlyHalfOpenCallsThroughAfterWaitInOpen() {
		Circuit circuit = circuit(1, 1);
		call(circuit, new IOException());
		assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
		advance(Duration.ofSeconds(4));
		assertThat(circuit.acquire()).isNull();
		CircuitOpenException rejected = circuit.rejected();
		assertThat(rejected.retryAfter()).isEqualTo(Duration.ofSeconds(6));
		assertThat(circuit.timeLeftOpen()).isEqualTo(Duration.ofSeconds(6));
		assertThat(rejected).hasMessageContaining("'test' is open");
		advance(Duration.ofSeconds(6).minusNanos(1));
		assertThat(circuit.acquire()).isNull();
		advance(Duration.ofNanos(1));
		List<Circuit.Phase> trials = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			Circuit.Phase admitted = circuit.acquire();
			if (admitted != null) {
				trials.add(admitted);
			}
		}
		assertThat(trials).hasSize(3);
		assertThat(circuit.state()).isEqualTo(CircuitState.HALF_OPEN);
		CircuitOpenException halfOpen = circuit.rejected();
		assertThat(halfOpen.retryAfter()).isEqualTo(Duration.ZERO);
		assertThat(halfOpen).hasMessageContaining("half-open");
		trials.forEach((admitted) -> circuit.succeeded(admitted, 0));
		assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
		assertThat(circuit.callsInWindow()).as("a closed breaker starts with an empty window").isZero();
		assertThat(circuit.successCount()).isEqualTo(3);
		assertThat(circuit.failureCount()).isEqualTo(1);
		assertThat(circuit.notPermittedCount()).as("the rejections reported").isEqualTo(2);
	}

	@Test
	void oneFailedTrialCallOpensAgainForAnotherFullWait() {
		Circuit circuit = circuit(1, 1);
		call(circuit, new IOException());
		advance(Duration.ofSeconds(10));
		Circuit.Phase first = circuit.acquire();
		Circuit.Phase second = circuit.acquire();
		assertThat(first).isNotNull();
		assertThat(second).isNotNull();
		circuit.succeeded(first, 0);
		advance(Duration.ofSeconds(1));
		circuit.failed(second, 0, new IOException());
		assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
		assertThat(circuit.timeLeftOpen()).isEqualTo(Duration.ofSeconds(10));
		assertThat(circuit.acquire()).isNull();
	}

	@Test
	void aTrialCallThatCountsNeitherWayGivesItsPlaceBack() {
		Circuit circuit = circuit(1, 1);
		call(circuit, new IOException());
		advance(Duration.ofSeconds(10));
		Circuit.Phase[] trials = { circuit.acquire(), circuit.acquire(), circuit.acquire() };
		assertThat(trials).doesNotContainNull();
		assertThat(circuit.acquire()).isNull();
		circuit.failed(trials[0], 0, new IllegalArgumentException("ignored"));
		circuit.failed(trials[1], 0, new BoundedRejectedException("below", 1, "full"));
		circuit.cancelled(trials[2]);
		assertThat(circuit.state()).isEqualTo(CircuitState.HALF_OPEN);
		assertThat(circuit.ignoredCount()).isEqualTo(3);
		for (int i = 0; i < 3; i++) {
			assertThat(call(circuit, null)).isTrue();
		}
		assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
	}

	@Test
	void callsAdmittedBeforeATransitionDoNotCountAfterIt() {
		Circuit circuit = circuit(2, 2);
		Circuit.Phase early = circuit.acquire();
		call(circuit, new IOException());
		call(circuit, new IOException());
		assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
		advance(Duration.ofSeconds(10));
		Circuit.Phase trial = circuit.acquire();
		assertThat(trial).isNotNull();
		// a slow call admitted while closed fails now: it must not reopen the half-open
		// breaker
		circuit.failed(early, 0, new IOException());
		assertThat(circuit.state()).isEqualTo(CircuitState.HALF_OPEN);
		assertThat(circuit.failureCount()).as("still counted in the meters").isEqualTo(3);
	}

	@Test
	void whatCounts() {
		Circuit circuit = circuit(1, 100);
		call(circuit, new IllegalArgumentException("listed by ignore-on"));
		call(circuit, new ThrottleRejectedException("below", Duration.ZERO, "no permit"));
		call(circuit, new BoundedRejectedException("below", 1, "no slot"));
		call(circuit, new CancellationException());
		call(circuit, new AssertionError("an Error is not listed by record-on"));
		assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
		assertThat(circuit.callsInWindow()).isZero();
		assertThat(circuit.ignoredCount()).isEqualTo(5);
		call(circuit, new TimeoutExceededException("below", Duration.ofSeconds(1)));
		assertThat(circuit.failureCount()).isEqualTo(1);
		assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
	}

	@Test
	void slowCallsOpenAtTheSlowCallRateThreshold() {
		Circuit circuit = circuit(settings(4, 4, null, Duration.ofMillis(100), 50, 75));
		call(circuit, null, Duration.ofMillis(101).toNanos());
		call(circuit, null, Duration.ofMillis(100).toNanos());
		call(circuit, null, Duration.ofMillis(500).toNanos());
		call(circuit, null, Duration.ofMillis(1).toNanos());
		assertThat(circuit.slowCallRate()).isEqualTo(50f);
		assertThat(circuit.failureRate()).isEqualTo(0f);
		assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
		call(circuit, null, Duration.ofSeconds(1).toNanos());
		call(circuit, null, Duration.ofSeconds(1).toNanos());
		// last 4: slow, slow (100ms is not slower than 100ms... the 500ms one), 1ms, 1s,
		// 1s
		assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
		assertThat(circuit.slowCount()).isEqualTo(4);
		assertThat(circuit.successCount()).isEqualTo(2);
	}

	@Test
	void aSlowTrialCallOpensAgain() {
		Circuit circuit = circuit(settings(1, 1, null, Duration.ofMillis(100), 50, 100));
		call(circuit, new IOException());
		advance(Duration.ofSeconds(10));
		call(circuit, null, Duration.ofMillis(200).toNanos());
		assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
	}

	@Test
	void timeWindowJudgesTheCallsOfTheLastWindowDuration() {
		Circuit circuit = circuit(settings(3, 0, Duration.ofSeconds(20), null, 50, 100));
		call(circuit, new IOException());
		call(circuit, new IOException());
		advance(Duration.ofSeconds(21));
		// both failures left the window
		assertThat(circuit.callsInWindow()).isZero();
		call(circuit, new IOException());
		call(circuit, null);
		advance(Duration.ofSeconds(5));
		call(circuit, null);
		assertThat(circuit.callsInWindow()).isEqualTo(3);
		assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
		advance(Duration.ofSeconds(10));
		call(circuit, new IOException());
		// 2 failures of 4 within the last 20 s
		assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
	}

	@Test
	void timeWindowMovesOneTwentiethAtATime() {
		Circuit circuit = circuit(settings(1, 0, Duration.ofSeconds(20), null, 100, 100));
		call(circuit, null);
		advance(Duration.ofMillis(19_999));
		assertThat(circuit.callsInWindow()).isEqualTo(1);
		advance(Duration.ofMillis(1_001));
		assertThat(circuit.callsInWindow()).isZero();
		// after a long idle time, every bucket is stale
		call(circuit, null);
		advance(Duration.ofDays(3));
		assertThat(circuit.callsInWindow()).isZero();
		call(circuit, new IOException());
		assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
		assertThat(circuit.failureRate()).as("no window while open").isEqualTo(-1f);
	}

	@Test
	void listenersSeeEveryTransition() {
		Circuit circuit = circuit(1, 1);
		List<String> seen = new ArrayList<>();
		circuit.onStateChange((from, to) -> seen.add(from + "->" + to));
		call(circuit, new IOException());
		advance(Duration.ofSeconds(10));
		call(circuit, null);
		call(circuit, null);
		call(circuit, null);
		assertThat(seen).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
	}

}
