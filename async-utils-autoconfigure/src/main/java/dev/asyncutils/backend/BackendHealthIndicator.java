package dev.asyncutils.backend;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.asyncutils.bounded.BoundedRegistry;
import dev.asyncutils.throttle.ThrottleRegistry;

/**
 * The health of the throttle and bounded instances kept in a remote backend (Redis): one
 * detail per instance name. {@code DOWN} only while an unhealthy instance is
 * {@code fail-closed} (it then rejects every call); otherwise {@code UP}, with the
 * degraded instances (unhealthy, decided by {@code fail-open} or {@code local}) listed.
 */
public final class BackendHealthIndicator implements HealthIndicator {

	private final @Nullable ThrottleRegistry throttles;

	private final @Nullable BoundedRegistry bounded;

	/**
	 * Create an indicator.
	 * @param throttles the throttle instances, if any
	 * @param bounded the bounded instances, if any
	 */
	public BackendHealthIndicator(@Nullable ThrottleRegistry throttles, @Nullable BoundedRegistry bounded) {
		this.throttles = throttles;
		this.bounded = bounded;
	}

	@Override
	public Health health() {
		Report report = new Report();
		if (this.throttles != null) {
			this.throttles.catalog()
				.all()
				.forEach((name, bucket) -> report.add("throttle", name, bucket.settings().backend(), bucket.remote()));
		}
		if (this.bounded != null) {
			this.bounded.catalog()
				.all()
				.forEach(
						(name, limiter) -> report.add("bounded", name, limiter.settings().backend(), limiter.remote()));
		}
		Health.Builder health = report.down ? Health.down() : Health.up();
		if (!report.degraded.isEmpty()) {
			health.withDetail("degraded", report.degraded);
		}
		report.instances.forEach(health::withDetail);
		return health.build();
	}

	private static final class Report {

		private final Map<String, Map<String, Object>> instances = new TreeMap<>();

		private final Set<String> degraded = new TreeSet<>();

		private boolean down;

		void add(String kind, String name, BackendSettings settings, @Nullable RemoteInstance remote) {
			if (remote == null) {
				return;
			}
			boolean healthy = remote.healthy();
			String status = "UP";
			if (!healthy && settings.onFailure() == OnFailure.FAIL_CLOSED) {
				this.down = true;
				status = "DOWN";
			}
			else if (!healthy) {
				this.degraded.add(name);
				status = "DEGRADED";
			}
			Map<String, Object> state = new LinkedHashMap<>();
			state.put("status", status);
			state.put("backend", settings.backend().toString());
			state.put("healthy", healthy);
			state.put("onFailure", settings.onFailure().toString());
			this.instances.computeIfAbsent(name, (key) -> new LinkedHashMap<>()).put(kind, state);
		}

	}

}
