package dev.asyncutils.samples;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The downstream's own rate limit: the sliding window on a fake clock (exact admissions
 * and peak), and the service answering "429 Too Many Requests" per endpoint.
 */
class SlidingWindowLimitTests {

	private final AtomicLong now = new AtomicLong(1_000);

	@Test
	void admitsAtMostTheLimitWithinAnyWindow() {
		SlidingWindowLimit limit = new SlidingWindowLimit(new DownstreamProperties(3, Duration.ofNanos(100)),
				this.now::get);
		assertThat(limit.tryAcquire()).isTrue();
		this.now.addAndGet(10);
		assertThat(limit.tryAcquire()).isTrue();
		assertThat(limit.tryAcquire()).isTrue();
		assertThat(limit.tryAcquire()).isFalse();
		// the first call (t=1000) still counts at t=1099 ...
		this.now.set(1_099);
		assertThat(limit.tryAcquire()).isFalse();
		// ... and leaves the window at t=1100: one place is free, not two
		this.now.set(1_100);
		assertThat(limit.tryAcquire()).isTrue();
		assertThat(limit.tryAcquire()).isFalse();
		// the calls of t=1010 leave at t=1110
		this.now.set(1_110);
		assertThat(limit.tryAcquire()).isTrue();
		assertThat(limit.tryAcquire()).isTrue();
		assertThat(limit.tryAcquire()).isFalse();
		assertThat(limit.peak()).isEqualTo(3);
	}

	@Test
	void recordsTheMostCallsSeenWithinOneWindow() {
		SlidingWindowLimit limit = new SlidingWindowLimit(new DownstreamProperties(10, Duration.ofNanos(100)),
				this.now::get);
		for (int i = 0; i < 20; i++) {
			assertThat(limit.tryAcquire()).isTrue();
			this.now.addAndGet(30);
		}
		// a call every 30ns: at most 4 within 100ns (t, t+30, t+60, t+90)
		assertThat(limit.peak()).isEqualTo(4);
		this.now.addAndGet(1_000);
		for (int i = 0; i < 7; i++) {
			assertThat(limit.tryAcquire()).isTrue();
		}
		assertThat(limit.peak()).isEqualTo(7);
	}

	@Test
	void refusesBadProperties() {
		assertThatIllegalArgumentException().isThrownBy(() -> new DownstreamProperties(0, Duration.ofSeconds(1)))
			.withMessage("sample.downstream.limit must be at least 1, was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> new DownstreamProperties(1, Duration.ZERO))
			.withMessage("sample.downstream.window must be positive, was PT0S");
	}

	@Test
	void serviceAnswers429PerEndpointWhenCalledTooOften() throws Exception {
		FlakyInventoryService service = new FlakyInventoryService(new DownstreamProperties(2, Duration.ofHours(1)));
		assertThat(service.reserve("RES-1")).isEqualTo("R-RES-1");
		assertThat(service.reserve("RES-2")).isEqualTo("R-RES-2");
		assertThatExceptionOfType(TooManyRequestsException.class).isThrownBy(() -> service.reserve("RES-3"))
			.withMessage("429 Too Many Requests: more than 2 calls of /reservations within 3600000ms");
		assertThat(service.reservations()).isEqualTo(2);
		assertThat(service.tooManyRequests()).isEqualTo(1);
		// another endpoint has a window of its own
		assertThat(service.checkAvailability("SKU-1").join()).isNotNull();
		assertThat(service.checkAvailability("SKU-1").join()).isNotNull();
		CompletableFuture<Boolean> third = service.checkAvailability("SKU-1");
		assertThat(third).failsWithin(Duration.ZERO)
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(TooManyRequestsException.class);
		assertThat(service.checks()).isEqualTo(2);
		assertThat(service.tooManyRequests()).isEqualTo(2);
		assertThat(service.peakCallsInWindow()).isEqualTo(2);
	}

}
