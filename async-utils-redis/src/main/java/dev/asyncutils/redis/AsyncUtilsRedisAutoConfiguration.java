package dev.asyncutils.redis;

import io.lettuce.core.RedisClient;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

/**
 * The Redis backend for instances with {@code backend: redis}, on the
 * {@link LettuceConnectionFactory} Spring Boot configures from
 * {@code spring.data.redis.*}.
 */
@AutoConfiguration(after = DataRedisAutoConfiguration.class, before = AsyncUtilsAutoConfiguration.class)
@ConditionalOnClass({ RedisClient.class, LettuceConnectionFactory.class })
@ConditionalOnBooleanProperty(name = "async-utils.enabled", matchIfMissing = true)
public final class AsyncUtilsRedisAutoConfiguration {

	/**
	 * The backend, connecting through the Lettuce client Spring Boot built.
	 * @param factory Spring Boot's connection factory
	 * @return the backend
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(LettuceConnectionFactory.class)
	RedisBackend asyncUtilsRedisBackend(LettuceConnectionFactory factory) {
		return new RedisBackend(() -> {
			if (!factory.isRunning()) {
				factory.start();
			}
			return factory.getRequiredNativeClient();
		}, factory.getPhase() + 1);
	}

}
