package dev.asyncutils.backend;

import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The arithmetic of a process's share: whole parts that add up to the amount, the
 * remainder to the first ranks, and the smallest part that admits while the count is
 * unknown.
 */
class FallbackShareTests {

	@Test
	void thePartsOfAnAmountAddUpToItExactlyWithTheRemainderToTheFirstRanks() {
		assertThat(parts(7, 3)).containsExactly(3, 2, 2);
		assertThat(parts(5, 3)).containsExactly(2, 2, 1);
		assertThat(parts(6, 3)).containsExactly(2, 2, 2);
		assertThat(parts(1, 1)).containsExactly(1);
		for (int amount = 1; amount <= 40; amount++) {
			for (int members = 1; members <= 12; members++) {
				int[] parts = parts(amount, members);
				assertThat(IntStream.of(parts).sum()).isEqualTo(amount);
				assertThat(IntStream.of(parts).min().getAsInt()).isEqualTo((amount >= members) ? amount / members : 0);
			}
		}
	}

	@Test
	void moreProcessesThanSlotsLeaveTheLastOnesWithoutAny() {
		assertThat(parts(2, 3)).containsExactly(1, 1, 0);
	}

	@Test
	void aRateIsDividedByTheMembers() {
		assertThat(new FallbackShare(3, 2).divisor(7)).isEqualTo(3);
		assertThat(FallbackShare.ALONE.divisor(7)).isEqualTo(1);
	}

	@Test
	void anUnknownCountTakesOneOfTheAmountAsIfThatManyProcessesSharedIt() {
		assertThat(FallbackShare.UNKNOWN.known()).isFalse();
		assertThat(FallbackShare.UNKNOWN.of(7)).isOne();
		assertThat(FallbackShare.UNKNOWN.of(1)).isOne();
		assertThat(FallbackShare.UNKNOWN.divisor(7)).isEqualTo(7);
		assertThat(FallbackShare.UNKNOWN).hasToString("processes unknown");
		assertThat(new FallbackShare(3, 0)).hasToString("1 of 3 processes");
	}

	@Test
	void aRankOutsideTheMembersIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new FallbackShare(2, 2));
		assertThatIllegalArgumentException().isThrownBy(() -> new FallbackShare(-1, 0));
	}

	private static int[] parts(int amount, int members) {
		return IntStream.range(0, members).map((rank) -> new FallbackShare(members, rank).of(amount)).toArray();
	}

}
