package dev.asyncutils.samples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard shipped in {@code dashboards/async-utils.json} parses, and every
 * query in it names a meter the running sample publishes, with the tags the query filters
 * or groups by (Prometheus names mapped back to Micrometer's). The Redis panels' queries
 * are checked against a Redis-backed application in the Redis module.
 */
@SpringBootTest(properties = { "sample.tour.enabled=false",
		"management.metrics.distribution.percentiles-histogram.asyncutils.throttle.wait=true" })
class DashboardTests {

	private static final Path DASHBOARD = Path.of("..", "dashboards", "async-utils.json");

	/** A Prometheus series name of ours, with the suffixes Micrometer adds. */
	private static final Pattern SERIES = Pattern
		.compile("(asyncutils_[a-z][a-z_]*?)(_seconds_bucket|_seconds_count|_seconds_sum|_seconds_max|_total)?\\b");

	/** Label names a query filters by ({@code name=~"..."}) or groups by. */
	private static final Pattern LABELS = Pattern.compile("([a-z_]+)\\s*(?:=~|!~|!=|=)\\s*\"");

	private static final Pattern BY = Pattern.compile("by \\(([^)]*)\\)");

	@Autowired
	private Tour tour;

	@Autowired
	private MeterRegistry meters;

	@Test
	void everyQueryNamesAMeterTheSamplePublishes() throws Exception {
		this.tour.run();
		List<String> queries = queries();
		assertThat(queries).hasSizeGreaterThan(20);
		Set<String> named = new LinkedHashSet<>();
		int redisQueries = 0;
		for (String query : queries) {
			if (query.contains("asyncutils_redis_")) {
				// the sample has no Redis: RedisDashboardTests checks these against a
				// real one
				redisQueries++;
				continue;
			}
			Set<String> labels = labels(query);
			Matcher series = SERIES.matcher(query);
			boolean any = false;
			while (series.find()) {
				any = true;
				String meter = series.group(1).replace('_', '.');
				named.add(meter);
				Collection<Meter> found = this.meters.find(meter).meters();
				assertThat(found).as("meter %s of query %s", meter, query).isNotEmpty();
				for (String label : labels) {
					assertThat(found).as("tag %s of meter %s in query %s", label, meter, query)
						.anySatisfy((candidate) -> assertThat(candidate.getId().getTag(label)).isNotNull());
				}
			}
			assertThat(any).as("a meter in %s", query).isTrue();
		}
		assertThat(named).contains("asyncutils.call", "asyncutils.retry.calls", "asyncutils.retry.retries",
				"asyncutils.throttle.calls", "asyncutils.bounded.calls", "asyncutils.throttle.wait",
				"asyncutils.bounded.wait", "asyncutils.bounded.active", "asyncutils.bounded.waiting",
				"asyncutils.batch.items", "asyncutils.timeout.calls", "asyncutils.fallback.calls",
				"asyncutils.circuitbreaker.calls", "asyncutils.circuitbreaker.state");
		assertThat(redisQueries).as("Redis panels").isEqualTo(2);
	}

	private static Set<String> labels(String query) {
		Set<String> labels = new LinkedHashSet<>();
		Matcher matcher = LABELS.matcher(query);
		while (matcher.find()) {
			labels.add(matcher.group(1));
		}
		Matcher by = BY.matcher(query);
		while (by.find()) {
			for (String label : by.group(1).split(",")) {
				labels.add(label.trim());
			}
		}
		// Prometheus's histogram bucket bound, not a tag
		labels.remove("le");
		return labels;
	}

	@SuppressWarnings("unchecked")
	private static List<String> queries() throws Exception {
		Map<String, Object> dashboard = JsonParserFactory.getJsonParser().parseMap(Files.readString(DASHBOARD));
		assertThat(dashboard).containsEntry("title", "async-utils");
		List<String> queries = new ArrayList<>();
		for (Object panel : (List<Object>) dashboard.get("panels")) {
			Object targets = ((Map<String, Object>) panel).get("targets");
			if (targets != null) {
				for (Object target : (List<Object>) targets) {
					queries.add((String) ((Map<String, Object>) target).get("expr"));
				}
			}
		}
		return queries;
	}

}
