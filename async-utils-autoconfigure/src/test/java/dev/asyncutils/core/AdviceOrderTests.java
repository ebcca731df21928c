package dev.asyncutils.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.resilience.annotation.ConcurrencyLimit;
import org.springframework.resilience.annotation.EnableResilientMethods;
import org.springframework.resilience.annotation.Retryable;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.asyncutils.ThrottleRejectedException;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Our advice among Spring's own, in real contexts: {@code @Async} → caching → async-utils
 * → {@code @Transactional} → the method, outermost first; {@code async-utils.order} moves
 * it among advisors with explicit orders; Spring's own resilience annotations work next
 * to ours.
 */
class AdviceOrderTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(AsyncUtilsAutoConfiguration.class, TaskExecutionAutoConfiguration.class,
					DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
					TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class));

	@Test
	void aCacheHitTakesNoPermit() {
		this.runner.withUserConfiguration(CachingConfig.class).run((context) -> {
			Prices prices = context.getBean(Prices.class);
			assertThat(prices.price("a")).isEqualTo(1);
			assertThat(prices.price("a")).isEqualTo(1);
			assertThat(prices.price("a")).isEqualTo(1);
			assertThat(prices.calls()).isEqualTo(1);
			// the one permit went to the first call; a miss now needs another
			assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(() -> prices.price("bb"));
		});
	}

	@Test
	void orderPropertyMovesTheGuardsOutsideTheCache() {
		this.runner.withUserConfiguration(CachingConfig.class)
			.withPropertyValues("async-utils.order=" + Ordered.HIGHEST_PRECEDENCE)
			.run((context) -> {
				Prices prices = context.getBean(Prices.class);
				assertThat(prices.price("a")).isEqualTo(1);
				assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(() -> prices.price("a"));
				assertThat(prices.calls()).isEqualTo(1);
			});
	}

	@Test
	void anAsyncVoidMethodIsRetriedOnTheExecutorThread() {
		this.runner.withUserConfiguration(AsyncConfig.class).run((context) -> {
			FireAndForget bean = context.getBean(FireAndForget.class);
			bean.send();
			await().atMost(Duration.ofSeconds(10)).until(() -> bean.threads().size() == 3);
			Thread.sleep(200);
			assertThat(bean.threads()).hasSize(3).allSatisfy((name) -> assertThat(name).startsWith("task-"));
		});
	}

	@Test
	void anAsyncVoidMethodIsRetriedWhateverOrderThePostProcessorsRunIn() {
		this.runner.withUserConfiguration(EarlyAsyncConfig.class).run((context) -> {
			FireAndForget bean = context.getBean(FireAndForget.class);
			bean.send();
			await().atMost(Duration.ofSeconds(10)).until(() -> bean.threads().size() == 3);
			Thread.sleep(200);
			assertThat(bean.threads()).hasSize(3).allSatisfy((name) -> assertThat(name).startsWith("task-"));
		});
	}

	@Test
	void everyRetryAttemptRunsInATransactionOfItsOwn() {
		this.runner.withUserConfiguration(LedgerConfig.class).run((context) -> {
			Ledger ledger = context.getBean(Ledger.class);
			// the third attempt sees only its own row: the first two were rolled back
			assertThat(ledger.record()).isEqualTo(1);
			assertThat(ledger.rows()).containsExactly(3);
			assertThat(ledger.inTransaction()).containsExactly(true, true, true);
		});
	}

	@Test
	void aTransactionOrderedBeforeOurOrderWrapsEveryAttempt() {
		this.runner.withUserConfiguration(LedgerConfig.class, OrderedTransactions.class).run((context) -> {
			Ledger ledger = context.getBean(Ledger.class);
			// transactions at order 100 come before ours (lowest precedence): one
			// transaction around all attempts keeps the failed attempts' rows
			assertThat(ledger.record()).isEqualTo(3);
			assertThat(ledger.rows()).containsExactly(1, 2, 3);
		});
	}

	@Test
	void orderPropertyMovesTheGuardsOutsideAnOrderedTransaction() {
		this.runner.withUserConfiguration(LedgerConfig.class, OrderedTransactions.class)
			.withPropertyValues("async-utils.order=50")
			.run((context) -> {
				Ledger ledger = context.getBean(Ledger.class);
				assertThat(ledger.record()).isEqualTo(1);
				assertThat(ledger.rows()).containsExactly(3);
			});
	}

	@Test
	void cachingThenGuardsThenTransactionOnOneMethod() {
		this.runner.withUserConfiguration(CachingConfig.class, LedgerConfig.class).run((context) -> {
			Ledger ledger = context.getBean(Ledger.class);
			// three attempts, three permits, three transactions
			assertThat(ledger.cachedRecord("x")).isEqualTo(1);
			assertThat(ledger.rows()).containsExactly(3);
			// a hit: no permit (none is left), no attempt, no transaction
			assertThat(ledger.cachedRecord("x")).isEqualTo(1);
			assertThat(ledger.inTransaction()).hasSize(3);
			assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(() -> ledger.cachedRecord("y"));
		});
	}

	@Test
	void springsOwnResilientMethodsWorkNextToOurs() {
		this.runner.withUserConfiguration(ResilientConfig.class).run((context) -> {
			SpringResilient spring = context.getBean(SpringResilient.class);
			assertThat(spring.flaky()).isEqualTo("spring 3");
			Mixed mixed = context.getBean(Mixed.class);
			assertThat(mixed.spring()).isEqualTo("spring 3");
			assertThat(mixed.ours()).isEqualTo("ours 3");
			assertThat(mixed.limited()).isEqualTo("limited");
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfig {

		@Bean
		CacheManager cacheManager() {
			return new ConcurrentMapCacheManager();
		}

		@Bean
		Prices prices() {
			return new Prices();
		}

	}

	static class Prices {

		private final AtomicInteger calls = new AtomicInteger();

		public int calls() {
			return this.calls.get();
		}

		@Cacheable("prices")
		@Throttle(rate = 1, per = "1h", maxWait = "0")
		public int price(String sku) {
			this.calls.incrementAndGet();
			return sku.length();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class AsyncConfig {

		@Bean
		FireAndForget fireAndForget() {
			return new FireAndForget();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync(order = Ordered.HIGHEST_PRECEDENCE)
	static class EarlyAsyncConfig {

		@Bean
		FireAndForget fireAndForget() {
			return new FireAndForget();
		}

	}

	static class FireAndForget {

		private final List<String> threads = new CopyOnWriteArrayList<>();

		public List<String> threads() {
			return this.threads;
		}

		@Async
		@Retry(maxAttempts = 3, delay = "1ms")
		public void send() {
			this.threads.add(Thread.currentThread().getName());
			throw new IllegalStateException("attempt " + this.threads.size());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LedgerConfig {

		@Bean
		Ledger ledger(JdbcTemplate jdbc) {
			jdbc.execute("create table entries (id int auto_increment primary key, attempt int)");
			return new Ledger(jdbc);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement(order = 100)
	static class OrderedTransactions {

	}

	static class Ledger {

		private final JdbcTemplate jdbc;

		private final AtomicInteger attempts = new AtomicInteger();

		private final List<Boolean> inTransaction = new CopyOnWriteArrayList<>();

		public List<Boolean> inTransaction() {
			return this.inTransaction;
		}

		Ledger(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional
		@Retry(maxAttempts = 3, delay = "1ms")
		public int record() {
			return insertAndFailTwice();
		}

		@Cacheable("records")
		@Transactional
		@Retry(maxAttempts = 3, delay = "1ms")
		@Throttle(rate = 3, per = "1h", maxWait = "0")
		public int cachedRecord(String key) {
			return insertAndFailTwice();
		}

		private int insertAndFailTwice() {
			this.inTransaction.add(TransactionSynchronizationManager.isActualTransactionActive());
			int attempt = this.attempts.incrementAndGet();
			this.jdbc.update("insert into entries (attempt) values (?)", attempt);
			if (attempt < 3) {
				throw new IllegalStateException("attempt " + attempt);
			}
			return this.jdbc.queryForObject("select count(*) from entries", Integer.class);
		}

		public List<Integer> rows() {
			return this.jdbc.queryForList("select attempt from entries order by attempt", Integer.class);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableResilientMethods
	static class ResilientConfig {

		@Bean
		SpringResilient springResilient() {
			return new SpringResilient();
		}

		@Bean
		Mixed mixed() {
			return new Mixed();
		}

	}

	static class SpringResilient {

		private final AtomicInteger calls = new AtomicInteger();

		@Retryable(maxRetries = 2, delay = 1)
		public String flaky() {
			int call = this.calls.incrementAndGet();
			if (call < 3) {
				throw new IllegalStateException("call " + call);
			}
			return "spring " + call;
		}

	}

	static class Mixed {

		private final AtomicInteger springCalls = new AtomicInteger();

		private final AtomicInteger ourCalls = new AtomicInteger();

		@Retryable(maxRetries = 2, delay = 1)
		public String spring() {
			int call = this.springCalls.incrementAndGet();
			if (call < 3) {
				throw new IllegalStateException("call " + call);
			}
			return "spring " + call;
		}

		@Retry(maxAttempts = 3, delay = "1ms")
		public String ours() {
			int call = this.ourCalls.incrementAndGet();
			if (call < 3) {
				throw new IllegalStateException("call " + call);
			}
			return "ours " + call;
		}

		@ConcurrencyLimit(1)
		public String limited() {
			return "limited";
		}

	}

}
