package dev.asyncutils.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Progress of long runs: the INFO line has items done / total, rate and time left, and
 * comes at most once per interval.
 */
@ExtendWith(OutputCaptureExtension.class)
class BatchProgressTests {

	@Test
	void describesDoneTotalRateAndTimeLeft() {
		long start = System.nanoTime();
		BatchProgress progress = new BatchProgress(1_000, start);
		assertThat(progress.describe(500, start + TimeUnit.SECONDS.toNanos(10)))
			.isEqualTo("async-utils batch run: 500/1000 items (50%), 50 items/s, about 10s left");
		BatchProgress unknownTotal = new BatchProgress(-1, start);
		assertThat(unknownTotal.describe(300, start + TimeUnit.SECONDS.toNanos(3)))
			.isEqualTo("async-utils batch run: 300 items, 100 items/s");
	}

	@Test
	void logsAnInfoLineAtMostOncePerInterval(CapturedOutput output) {
		// a run that started long enough ago for its first batch to be due an INFO line
		BatchProgress progress = new BatchProgress(1_000,
				System.nanoTime() - TimeUnit.SECONDS.toNanos(BatchProgress.INFO_INTERVAL_SECONDS + 1));
		progress.batchDone(batch(0, 100));
		progress.batchDone(batch(1, 100));
		progress.batchDone(batch(2, 100));
		assertThat(progress.done()).isEqualTo(300);
		List<String> infoLines = output.getOut()
			.lines()
			.filter((line) -> line.contains("async-utils batch run:"))
			.toList();
		assertThat(infoLines).hasSize(1);
		assertThat(infoLines.get(0)).contains("INFO").contains("100/1000 items (10%)").contains("s left");
	}

	private static Batch<Integer, Integer> batch(long index, int size) {
		List<ItemOutcome<Integer, Integer>> outcomes = new ArrayList<>();
		for (int i = 0; i < size; i++) {
			outcomes.add(ItemOutcome.success(index * size + i, i, i, 1));
		}
		return new Batch<>(index, outcomes);
	}

}
