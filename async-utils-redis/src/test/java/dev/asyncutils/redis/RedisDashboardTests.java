package dev.asyncutils.redis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.autoconfigure.AsyncUtilsMetricsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis panels of the Grafana dashboard ({@code dashboards/async-utils.json}) query
 * meters that a Redis-backed throttle and bounded instance publish, with every tag the
 * queries filter or group by (the samples module checks the other panels).
 */
class RedisDashboardTests extends RedisTestSupport {

	private static final Path DASHBOARD = Path.of("..", "dashboards", "async-utils.json");

	private static final Pattern SERIES = Pattern.compile("(asyncutils_redis_[a-z_]*?)(_total)?\\b");

	private static final Pattern EXPR = Pattern.compile("\"expr\":\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

	private static final Pattern TAGS = Pattern.compile("([a-z]+)\\s*(?:=~|!~|!=|=)\\s*\"|by \\(([^)]*)\\)");

	@Test
	void everyRedisQueryNamesAMeterOfARedisBackedInstance() throws Exception {
		ConfigurableApplicationContext context = start(new Probe(), new Class<?>[] { Guarded.class, Meters.class },
				props("async-utils.throttle.instances.t.backend=redis", "async-utils.throttle.instances.t.rate=100",
						"async-utils.bounded.instances.b.backend=redis",
						"async-utils.bounded.instances.b.max-concurrent=2"));
		context.getBean(Guarded.class).throttled();
		context.getBean(Guarded.class).bounded();
		MeterRegistry meters = context.getBean(MeterRegistry.class);
		List<String> queries = redisQueries();
		assertThat(queries).hasSize(2);
		for (String query : queries) {
			Matcher series = SERIES.matcher(query);
			assertThat(series.find()).as("a meter in %s", query).isTrue();
			String meter = series.group(1).replace('_', '.');
			Collection<Meter> found = meters.find(meter).meters();
			assertThat(found).as("meter %s of %s", meter, query).hasSize(2);
			for (String tag : tags(query)) {
				assertThat(found).as("tag %s of %s", tag, query)
					.allSatisfy((candidate) -> assertThat(candidate.getId().getTag(tag)).isNotNull());
			}
		}
	}

	private static List<String> tags(String query) {
		List<String> tags = new ArrayList<>();
		Matcher matcher = TAGS.matcher(query);
		while (matcher.find()) {
			if (matcher.group(1) != null) {
				tags.add(matcher.group(1));
			}
			else {
				for (String tag : matcher.group(2).split(",")) {
					tags.add(tag.trim());
				}
			}
		}
		return tags;
	}

	/**
	 * The queries of the dashboard that name a Redis meter, read from the JSON's
	 * {@code "expr"} strings (no JSON library is on this module's test classpath).
	 */
	private static List<String> redisQueries() throws Exception {
		Matcher expr = EXPR.matcher(Files.readString(DASHBOARD));
		List<String> queries = new ArrayList<>();
		while (expr.find()) {
			String query = expr.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
			if (query.contains("asyncutils_redis_")) {
				queries.add(query);
			}
		}
		return queries;
	}

	static class Guarded {

		@Throttle(name = "t")
		public void throttled() {
		}

		@Bounded(name = "b")
		public void bounded() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(AsyncUtilsMetricsAutoConfiguration.class)
	static class Meters {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
