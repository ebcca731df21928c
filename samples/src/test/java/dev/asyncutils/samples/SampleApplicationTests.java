package dev.asyncutils.samples;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.asyncutils.batch.BatchProcessor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the tour in a real application context and checks that every failure the flaky
 * service injects is absorbed by the guards: every article gets an answer.
 */
@SpringBootTest(properties = "sample.tour.enabled=false")
class SampleApplicationTests {

	@Autowired
	private InventoryClient client;

	@Autowired
	private FlakyInventoryService service;

	@Autowired
	private BatchProcessor batchProcessor;

	@Test
	void everyArticleGetsAnAnswerDespiteInjectedFailures() {
		List<String> lines = new Tour(this.client, this.service, this.batchProcessor).run(20);
		assertThat(lines).hasSize(22).noneMatch((line) -> line.contains("failed:"));
		assertThat(this.service.failures()).isPositive();
		// 20 articles x 3 look-ups, plus retries
		assertThat(this.service.calls()).isGreaterThan(60);
		// the burst: @Bounded (max-concurrent 4) held at the downstream, every check made
		assertThat(lines.get(20)).contains("100 concurrent availability checks");
		assertThat(this.service.checks()).isEqualTo(100);
		assertThat(this.service.maxChecksInFlight()).isEqualTo(4);
		// the batch job: every article reserved, each refused first attempt retried once
		assertThat(lines.get(21)).contains("3000 articles").contains("3000 reserved, 0 failed");
		assertThat(this.service.refusedReservations()).isPositive();
		assertThat(this.service.reservations()).isEqualTo(3_000 + this.service.refusedReservations());
		// each hanging stock look-up hit its 300ms deadline and was cleaned up exactly
		// once
		assertThat(this.service.stockHangs()).isPositive();
		assertThat(this.client.cleanups()).isEqualTo(this.service.stockHangs());
	}

}
