package dev.asyncutils.autoconfigure;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.bounded.BoundedRegistry;
import dev.asyncutils.retry.RetryFeature;
import dev.asyncutils.retry.RetrySettings;
import dev.asyncutils.retry.RetryStats;
import dev.asyncutils.throttle.ThrottleRegistry;
import dev.asyncutils.timeout.TimeoutFeature;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's quick start as a user copies it: the Java snippet compiles as it stands
 * (imports, fields), the YAML snippet binds, and together they do what the comments say
 * (five attempts, timeouts retried, then the fallback). The dependency snippets use the
 * BOM, and the modules that are not published skip {@code install} and {@code deploy}.
 */
class ReadmeQuickStartTests {

	private static final Path ROOT = Path.of("..");

	private static String quickStart() throws IOException {
		String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
		int start = readme.indexOf("\n## Quick start");
		int end = readme.indexOf("\n## ", start + 1);
		assertThat(start).isPositive();
		return readme.substring(start, end);
	}

	private static List<String> blocks(String text, String language) {
		Matcher matcher = Pattern.compile("```" + language + "\n(.*?)```", Pattern.DOTALL).matcher(text);
		List<String> blocks = new ArrayList<>();
		while (matcher.find()) {
			blocks.add(matcher.group(1));
		}
		return blocks;
	}

	@Test
	void theJavaSnippetCompilesAndWithTheYamlDoesWhatItsCommentsSay(@TempDir Path work) throws Exception {
		String quickStart = quickStart();
		List<String> java = blocks(quickStart, "java");
		assertThat(java).hasSize(1);
		Path source = work.resolve("src/com/example/inventory/InventoryClient.java");
		Files.createDirectories(source.getParent());
		Files.writeString(source, java.get(0));
		Path classes = Files.createDirectories(work.resolve("classes"));
		JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
		String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		int status = javac.run(null, null, null, "-proc:none", "-parameters", "-Xlint:all", "-Werror", "-cp", classpath,
				"-d", classes.toString(), source.toString());
		assertThat(status).as("javac of the quick start's Java snippet").isZero();

		List<String> yaml = blocks(quickStart, "yaml");
		assertThat(yaml).hasSize(1);
		List<PropertySource<?>> properties = new YamlPropertySourceLoader().load("README quick start",
				new ByteArrayResource(yaml.get(0).getBytes(StandardCharsets.UTF_8)));
		try (URLClassLoader loader = new URLClassLoader(new URL[] { classes.toUri().toURL() },
				getClass().getClassLoader())) {
			Class<?> clientType = loader.loadClass("com.example.inventory.InventoryClient");
			new ApplicationContextRunner()
				.withConfiguration(
						AutoConfigurations.of(TaskExecutionAutoConfiguration.class, AsyncUtilsAutoConfiguration.class))
				.withClassLoader(loader)
				.withInitializer((context) -> properties
					.forEach((source1) -> context.getEnvironment().getPropertySources().addFirst(source1)))
				.withBean("inventoryClient", clientType)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					// the YAML binds to the instances the code names
					assertThat(context.getBean(ThrottleRegistry.class).get("pricing-api").settings().rate())
						.isEqualTo(100.0);
					assertThat(context.getBean(BoundedRegistry.class).get("InventoryClient.price").settings())
						.satisfies((settings) -> {
							assertThat(settings.maxConcurrent()).isEqualTo(4);
							assertThat(settings.maxWait()).isEqualTo(Duration.ofSeconds(10));
							assertThat(settings.maxQueued()).isEqualTo(100);
						});
					assertThat(context.getBean(TimeoutFeature.class)
						.instances()
						.find("InventoryClient.price")
						.methods()
						.values()).singleElement()
						.satisfies((settings) -> assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(2)));
					RetryStats inventory = context.getBean(RetryFeature.class).instances().find("inventory");
					RetrySettings retry = inventory.methods().values().iterator().next();
					assertThat(retry.maxAttempts()).isEqualTo(5);
					// "each attempt gets 300ms", and an attempt that runs out of it is
					// retried like an IOException
					assertThat(retry.retryOn()).contains(IOException.class, TimeoutExceededException.class);
					assertThat(retry.abortOn()).isEmpty();

					// nothing answers at inventory.internal: every attempt fails
					// (unknown host, or its 300ms run out), five in all, then the
					// fallback answers
					Object client = context.getBean("inventoryClient");
					Object stock = clientType.getMethod("stock", String.class).invoke(client, "sku-1");
					assertThat(stock).isEqualTo(-1);
					assertThat(inventory.failureAfterRetryCount()).isEqualTo(1L);
					assertThat(inventory.retryCount()).isEqualTo(4L);
				});
		}
	}

	@Test
	void dependencySnippetsUseTheBomAndOnlyPublishedModulesAreInstalled() throws Exception {
		String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
		String bom = Files.readString(ROOT.resolve("async-utils-dependencies/pom.xml"), StandardCharsets.UTF_8);
		assertThat(bom).contains("<artifactId>async-utils-dependencies</artifactId>", "<packaging>pom</packaging>")
			.doesNotContain("<parent>");
		for (String artifact : List.of("async-utils-autoconfigure", "async-utils-starter", "async-utils-redis")) {
			assertThat(bom).contains("<artifactId>" + artifact + "</artifactId>");
		}
		String quickStart = quickStart();
		List<String> xml = blocks(quickStart, "xml");
		assertThat(xml).hasSize(1);
		assertThat(xml.get(0)).contains("<artifactId>async-utils-dependencies</artifactId>", "<type>pom</type>",
				"<scope>import</scope>");
		// every async-utils dependency of the README takes its version from the BOM
		Matcher dependencies = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL).matcher(readme);
		int checked = 0;
		while (dependencies.find()) {
			String dependency = dependencies.group(1);
			if (dependency.contains("dev.asyncutils")
					&& !dependency.contains("<artifactId>async-utils-dependencies</artifactId>")) {
				assertThat(dependency).doesNotContain("<version>");
				checked++;
			}
		}
		assertThat(checked).as("async-utils dependency snippets").isGreaterThanOrEqualTo(2);
		for (String module : List.of("samples", "benchmarks")) {
			assertThat(Files.readString(ROOT.resolve(module + "/pom.xml"), StandardCharsets.UTF_8))
				.as(module + " is neither installed nor deployed")
				.contains("<maven.install.skip>true</maven.install.skip>",
						"<maven.deploy.skip>true</maven.deploy.skip>");
		}
	}

}
