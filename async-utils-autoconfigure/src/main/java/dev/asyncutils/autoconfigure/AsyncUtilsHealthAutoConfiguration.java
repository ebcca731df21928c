package dev.asyncutils.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

import dev.asyncutils.backend.BackendHealthIndicator;
import dev.asyncutils.backend.BoundedBackend;
import dev.asyncutils.bounded.BoundedRegistry;
import dev.asyncutils.backend.ThrottleBackend;
import dev.asyncutils.throttle.ThrottleRegistry;

/**
 * The health contributor {@code asyncutils}, when a remote backend (such as
 * async-utils-redis's) is in use and {@code management.health.asyncutils.enabled} is not
 * {@code false}.
 */
@AutoConfiguration(after = AsyncUtilsAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnEnabledHealthIndicator("asyncutils")
@Conditional(AsyncUtilsHealthAutoConfiguration.OnRemoteBackend.class)
public final class AsyncUtilsHealthAutoConfiguration {

	/**
	 * The health of every instance kept in the remote backend.
	 * @param throttles the throttle instances
	 * @param bounded the bounded instances
	 * @return the indicator, named {@code asyncutils}
	 */
	@Bean
	@ConditionalOnMissingBean(name = "asyncutilsHealthIndicator")
	HealthIndicator asyncutilsHealthIndicator(ObjectProvider<ThrottleRegistry> throttles,
			ObjectProvider<BoundedRegistry> bounded) {
		return new BackendHealthIndicator(throttles.getIfAvailable(), bounded.getIfAvailable());
	}

	/**
	 * Matches when a throttle or a bounded backend bean exists.
	 */
	static final class OnRemoteBackend extends AnyNestedCondition {

		OnRemoteBackend() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnBean(ThrottleBackend.class)
		static final class ThrottleBackendPresent {

		}

		@ConditionalOnBean(BoundedBackend.class)
		static final class BoundedBackendPresent {

		}

	}

}
