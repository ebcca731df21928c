package dev.asyncutils.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.ResolvableType;
import org.springframework.util.StringUtils;

import dev.asyncutils.backend.Backend;
import dev.asyncutils.backend.BackendSettings;
import dev.asyncutils.batch.BatchOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated {@code META-INF/spring-configuration-metadata.json}: every property of
 * the contract (and of the module) is described, the defaults IDEs show are the real
 * ones, and the instance maps and exception lists carry hints.
 */
class ConfigurationMetadataTests {

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	static final List<String> CONTRACT_PROPERTIES = List.of("async-utils.enabled", "async-utils.order",
			"async-utils.web.enabled", "async-utils.scheduler-threads", "async-utils.metrics.enabled",
			"async-utils.retry.defaults.max-attempts", "async-utils.retry.defaults.delay",
			"async-utils.retry.defaults.multiplier", "async-utils.retry.defaults.max-delay",
			"async-utils.retry.defaults.jitter", "async-utils.retry.defaults.max-duration",
			"async-utils.retry.defaults.retry-on", "async-utils.retry.defaults.abort-on", "async-utils.retry.instances",
			"async-utils.timeout.defaults.duration", "async-utils.timeout.instances",
			"async-utils.throttle.defaults.rate", "async-utils.throttle.defaults.per",
			"async-utils.throttle.defaults.burst", "async-utils.throttle.defaults.max-wait",
			"async-utils.throttle.instances", "async-utils.bounded.defaults.max-concurrent",
			"async-utils.bounded.defaults.max-wait", "async-utils.bounded.defaults.max-queued",
			"async-utils.bounded.instances", "async-utils.batch.batch-size", "async-utils.batch.max-concurrent",
			"async-utils.batch.max-attempts", "async-utils.batch.retry-delay", "async-utils.batch.retry-multiplier",
			"async-utils.batch.delay-between-batches", "async-utils.batch.fail-fast", "async-utils.batch.item-timeout",
			"async-utils.circuit-breaker.defaults.failure-rate-threshold",
			"async-utils.circuit-breaker.defaults.slow-call-duration",
			"async-utils.circuit-breaker.defaults.slow-call-rate-threshold",
			"async-utils.circuit-breaker.defaults.minimum-calls", "async-utils.circuit-breaker.defaults.window-calls",
			"async-utils.circuit-breaker.defaults.window-duration", "async-utils.circuit-breaker.defaults.wait-in-open",
			"async-utils.circuit-breaker.defaults.half-open-calls", "async-utils.circuit-breaker.defaults.record-on",
			"async-utils.circuit-breaker.defaults.ignore-on", "async-utils.circuit-breaker.instances",
			"async-utils.debounce.defaults.delay", "async-utils.debounce.defaults.max-wait",
			"async-utils.debounce.instances");

	private static final Map<String, Object> DEFAULTS = Map.ofEntries(Map.entry("async-utils.enabled", true),
			Map.entry("async-utils.order", Integer.MAX_VALUE), Map.entry("async-utils.web.enabled", true),
			Map.entry("async-utils.scheduler-threads", 2), Map.entry("async-utils.metrics.enabled", true),
			Map.entry("async-utils.retry.defaults.max-attempts", 3),
			Map.entry("async-utils.retry.defaults.delay", Duration.ofMillis(100)),
			Map.entry("async-utils.retry.defaults.multiplier", 2.0),
			Map.entry("async-utils.retry.defaults.max-delay", Duration.ofSeconds(10)),
			Map.entry("async-utils.retry.defaults.jitter", 0.0),
			Map.entry("async-utils.retry.defaults.retry-on", List.of("java.lang.Exception")),
			Map.entry("async-utils.retry.defaults.abort-on", List.of()),
			Map.entry("async-utils.timeout.defaults.duration", Duration.ofSeconds(1)),
			Map.entry("async-utils.throttle.defaults.per", Duration.ofSeconds(1)),
			Map.entry("async-utils.batch.batch-size", 100), Map.entry("async-utils.batch.max-concurrent", 4),
			Map.entry("async-utils.batch.max-attempts", 1),
			Map.entry("async-utils.batch.retry-delay", Duration.ofMillis(100)),
			Map.entry("async-utils.batch.retry-multiplier", 2.0),
			Map.entry("async-utils.batch.delay-between-batches", Duration.ZERO),
			Map.entry("async-utils.batch.fail-fast", false),
			Map.entry("async-utils.circuit-breaker.defaults.failure-rate-threshold", 50),
			Map.entry("async-utils.circuit-breaker.defaults.slow-call-rate-threshold", 100),
			Map.entry("async-utils.circuit-breaker.defaults.minimum-calls", 20),
			Map.entry("async-utils.circuit-breaker.defaults.window-calls", 100),
			Map.entry("async-utils.circuit-breaker.defaults.wait-in-open", Duration.ofSeconds(30)),
			Map.entry("async-utils.circuit-breaker.defaults.half-open-calls", 5),
			Map.entry("async-utils.circuit-breaker.defaults.record-on", List.of("java.lang.Exception")),
			Map.entry("async-utils.circuit-breaker.defaults.ignore-on", List.of()));

	/** Properties without a default value, and what their description says instead. */
	private static final Map<String, String> NO_DEFAULT = Map.ofEntries(
			Map.entry("async-utils.retry.defaults.max-duration", "no limit"),
			Map.entry("async-utils.throttle.defaults.rate", "No built-in default"),
			Map.entry("async-utils.throttle.defaults.burst", "max(1, ceil(rate))"),
			Map.entry("async-utils.throttle.defaults.max-wait", "unbounded"),
			Map.entry("async-utils.bounded.defaults.max-concurrent", "No built-in default"),
			Map.entry("async-utils.bounded.defaults.max-wait", "unbounded"),
			Map.entry("async-utils.bounded.defaults.max-queued", "unbounded"),
			Map.entry("async-utils.batch.item-timeout", "none"),
			Map.entry("async-utils.retry.instances", "same keys as defaults"),
			Map.entry("async-utils.timeout.instances", "same keys as defaults"),
			Map.entry("async-utils.throttle.instances", "same keys as defaults"),
			Map.entry("async-utils.bounded.instances", "same keys as defaults"),
			Map.entry("async-utils.circuit-breaker.defaults.slow-call-duration", "none"),
			Map.entry("async-utils.circuit-breaker.defaults.window-duration", "none"),
			Map.entry("async-utils.circuit-breaker.instances", "same keys as defaults"),
			Map.entry("async-utils.debounce.defaults.delay", "No built-in default"),
			Map.entry("async-utils.debounce.defaults.max-wait", "unbounded"),
			Map.entry("async-utils.debounce.instances", "same keys as defaults"));

	private static Map<String, Map<String, Object>> groups;

	private static Map<String, Map<String, Object>> properties;

	private static Map<String, Map<String, Object>> hints;

	@BeforeAll
	static void readTheGeneratedMetadata() throws IOException {
		List<Map<String, Object>> ours = new ArrayList<>();
		for (URL url : Collections.list(ConfigurationMetadataTests.class.getClassLoader().getResources(METADATA))) {
			try (InputStream in = url.openStream()) {
				Map<String, Object> metadata = JsonPath.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8))
					.json();
				if (items(metadata, "groups").stream()
					.anyMatch((group) -> "async-utils".equals(group.get("name"))
							&& AsyncUtilsProperties.class.getName().equals(group.get("type")))) {
					ours.add(metadata);
				}
			}
		}
		assertThat(ours).as("metadata files declaring the async-utils group").hasSize(1);
		groups = byName(items(ours.get(0), "groups"));
		properties = byName(items(ours.get(0), "properties"));
		hints = byName(items(ours.get(0), "hints"));
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> items(Map<String, Object> metadata, String section) {
		Object items = metadata.get(section);
		return (items != null) ? (List<Map<String, Object>>) items : List.of();
	}

	private static Map<String, Map<String, Object>> byName(List<Map<String, Object>> items) {
		Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
		for (Map<String, Object> item : items) {
			String name = (String) item.get("name");
			assertThat(byName.put(name, item)).as("second entry named %s", name).isNull();
		}
		return byName;
	}

	@ParameterizedTest
	@FieldSource("CONTRACT_PROPERTIES")
	void contractPropertyIsPresentWithADescription(String name) {
		assertThat(properties).containsKey(name);
		assertThat(description(name)).as(name).isNotBlank();
	}

	@Test
	void everyPropertyOfTheModuleIsDescribed() {
		assertThat(properties.keySet()).containsAll(CONTRACT_PROPERTIES)
			.allSatisfy((name) -> assertThat(description(name)).as(name).isNotBlank());
	}

	@Test
	void everyContractPropertyEitherHasADefaultOrIsListedWithoutOne() {
		Set<String> decided = new HashSet<>(DEFAULTS.keySet());
		decided.addAll(NO_DEFAULT.keySet());
		assertThat(decided).containsExactlyInAnyOrderElementsOf(CONTRACT_PROPERTIES);
	}

	@Test
	void defaultsAreTheBuiltInOnes() {
		DEFAULTS.forEach(ConfigurationMetadataTests::assertDefault);
	}

	@Test
	void propertiesWithoutADefaultSayWhatHappensInstead() {
		NO_DEFAULT.forEach((name, phrase) -> {
			assertThat(properties.get(name)).as(name).doesNotContainKey("defaultValue");
			assertThat(description(name)).as(name).contains(phrase);
		});
	}

	@Test
	void defaultsAreThoseOfUnboundPropertiesAndOfTheBatchOptions() {
		AsyncUtilsProperties unset = new AsyncUtilsProperties();
		assertDefault("async-utils.enabled", unset.isEnabled());
		assertDefault("async-utils.scheduler-threads", unset.getSchedulerThreads());
		assertDefault("async-utils.metrics.enabled", unset.getMetrics().isEnabled());
		for (BatchOptions options : List.of(BatchOptions.defaults(), unset.getBatch().toOptions())) {
			assertDefault("async-utils.batch.batch-size", options.batchSize());
			assertDefault("async-utils.batch.max-concurrent", options.maxConcurrent());
			assertDefault("async-utils.batch.max-attempts", options.maxAttempts());
			assertDefault("async-utils.batch.retry-delay", options.retryDelay());
			assertDefault("async-utils.batch.retry-multiplier", options.retryMultiplier());
			assertDefault("async-utils.batch.delay-between-batches", options.delayBetweenBatches());
			assertDefault("async-utils.batch.fail-fast", options.failFast());
			assertThat(options.itemTimeout()).isNull();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "retry", "timeout", "throttle", "bounded", "debounce" })
	void instanceMapHintsTheTypeOfItsValuesWhichIsTheTypeOfTheDefaults(String kind) throws NoSuchMethodException {
		Method kindGetter = AsyncUtilsProperties.class.getMethod("get" + StringUtils.capitalize(kind));
		Method instancesGetter = kindGetter.getReturnType().getMethod("getInstances");
		Class<?> valueType = ResolvableType.forMethodReturnType(instancesGetter).asMap().resolveGeneric(1);
		assertThat(valueType).isNotNull();
		String map = "async-utils." + kind + ".instances";
		assertThat(properties.get(map)).containsEntry("type",
				"java.util.Map<java.lang.String," + valueType.getName() + ">");
		assertThat(hints).containsKey(map + ".values");
		assertThat(providers(map + ".values"))
			.containsExactly(Map.of("name", "handle-as", "parameters", Map.of("target", valueType.getName())));
		assertThat(groups.get("async-utils." + kind + ".defaults")).as(kind + " defaults group")
			.containsEntry("type", valueType.getName());
	}

	@ParameterizedTest
	@ValueSource(strings = { "throttle", "bounded" })
	void backendPropertiesAreDescribedWithTheirBuiltInDefaults(String kind) {
		String prefix = "async-utils." + kind + ".defaults.";
		assertDefault(prefix + "backend", Backend.LOCAL.toString());
		assertDefault(prefix + "redis.key-prefix", BackendSettings.DEFAULT_KEY_PREFIX);
		assertDefault(prefix + "redis.on-failure", BackendSettings.DEFAULT_ON_FAILURE.toString());
		assertDefault(prefix + "redis.timeout", BackendSettings.DEFAULT_TIMEOUT);
		List<String> names = new ArrayList<>(
				List.of("backend", "redis.key-prefix", "redis.on-failure", "redis.timeout"));
		if (kind.equals("bounded")) {
			assertDefault(prefix + "redis.lease-time", BackendSettings.DEFAULT_LEASE_TIME);
			names.add("redis.lease-time");
		}
		else {
			assertThat(properties).doesNotContainKey(prefix + "redis.lease-time");
		}
		assertThat(names).allSatisfy((name) -> assertThat(description(prefix + name)).as(name).isNotBlank());
		assertThat(properties.keySet().stream().filter((name) -> name.startsWith(prefix + "redis.")))
			.containsExactlyInAnyOrderElementsOf(
					names.stream().filter((name) -> name.startsWith("redis.")).map((name) -> prefix + name).toList());
	}

	@ParameterizedTest
	@ValueSource(strings = { "retry-on", "abort-on" })
	void exceptionListsCompleteThrowableClasses(String key) {
		String name = "async-utils.retry.defaults." + key;
		assertThat(hints).containsKey(name);
		assertThat(providers(name)).containsExactly(Map.of("name", "class-reference", "parameters",
				Map.of("target", Throwable.class.getName(), "concrete", false)));
	}

	private static void assertDefault(String name, Object expected) {
		assertThat(properties.get(name)).as(name).containsKey("defaultValue");
		Object actual = properties.get(name).get("defaultValue");
		if (expected instanceof Duration duration) {
			assertThat(actual).as(name).isNotNull();
			assertThat(DurationStyle.detectAndParse(actual.toString())).as(name).isEqualTo(duration);
		}
		else if (expected instanceof Number number) {
			assertThat(actual).as(name).isInstanceOf(Number.class);
			assertThat(((Number) actual).doubleValue()).as(name).isEqualTo(number.doubleValue());
		}
		else {
			assertThat(actual).as(name).isEqualTo(expected);
		}
	}

	private static String description(String name) {
		Map<String, Object> property = properties.get(name);
		return (property != null) ? (String) property.get("description") : null;
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> providers(String hint) {
		return (List<Map<String, Object>>) hints.get(hint).get("providers");
	}

}
