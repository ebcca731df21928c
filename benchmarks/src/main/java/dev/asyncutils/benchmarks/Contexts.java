package dev.asyncutils.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the minimal application context of one contender: Spring Boot's
 * auto-configuration with every other contender's auto-configuration excluded, so that
 * each bean gets only its own contender's interception.
 */
final class Contexts {

	/** The auto-configurations of async-utils. */
	static final String ASYNC_UTILS = "dev.asyncutils.";

	/** The auto-configurations of Resilience4j. */
	static final String RESILIENCE4J = "io.github.resilience4j.";

	private static final String IMPORTS = "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports";

	private Contexts() {
	}

	/**
	 * Start an application.
	 * @param application the configuration class
	 * @param keep the prefix of the contender's own auto-configurations, or {@code null}
	 * for none (then both contenders' are excluded)
	 * @param properties extra {@code name=value} properties
	 * @return the running context
	 */
	static ConfigurableApplicationContext start(Class<?> application, @Nullable String keep, String... properties) {
		List<String> excluded = new ArrayList<>();
		for (String candidate : autoConfigurations()) {
			boolean foreign = candidate.startsWith(ASYNC_UTILS) || candidate.startsWith(RESILIENCE4J);
			if (foreign && (keep == null || !candidate.startsWith(keep))) {
				excluded.add(candidate);
			}
		}
		List<String> args = new ArrayList<>();
		args.add("--logging.level.root=WARN");
		args.add("--spring.main.banner-mode=off");
		if (!excluded.isEmpty()) {
			args.add("--spring.autoconfigure.exclude=" + String.join(",", excluded));
		}
		Arrays.stream(properties).map((property) -> "--" + property).forEach(args::add);
		SpringApplication springApplication = new SpringApplication(application);
		springApplication.setWebApplicationType(WebApplicationType.NONE);
		return springApplication.run(args.toArray(String[]::new));
	}

	private static List<String> autoConfigurations() {
		List<String> names = new ArrayList<>();
		try {
			for (URL url : Collections.list(Contexts.class.getClassLoader().getResources(IMPORTS))) {
				try (InputStream in = url.openStream()) {
					for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
						String name = line.strip();
						if (!name.isEmpty() && !name.startsWith("#")) {
							names.add(name);
						}
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return names;
	}

}
