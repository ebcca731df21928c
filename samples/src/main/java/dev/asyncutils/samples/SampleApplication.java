package dev.asyncutils.samples;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The sample application: runs the {@link Tour} once and exits, with status 0 when the
 * downstream never answered "429 Too Many Requests".
 * <p>
 * With {@code --server} (short for the {@code server} profile,
 * {@code application-server.yml}) it starts a web server on 127.0.0.1 and keeps running
 * after the tour, so the actuator endpoints {@code asyncutils}, {@code metrics} and
 * {@code health} can be looked at: <pre>
 * ./mvnw -q -pl samples -am spring-boot:run -Dspring-boot.run.arguments=--server
 * </pre>
 */
@SpringBootApplication
@EnableConfigurationProperties(DownstreamProperties.class)
public class SampleApplication {

	/** The command-line option that keeps the application running with a web server. */
	public static final String SERVER_OPTION = "--server";

	/** The profile {@value #SERVER_OPTION} activates. */
	public static final String SERVER_PROFILE = "server";

	/**
	 * Run the tour when the application has started, unless
	 * {@code sample.tour.enabled=false} (the tests run it themselves).
	 * @param tour the tour
	 * @return the runner
	 */
	@Bean
	@ConditionalOnBooleanProperty(name = "sample.tour.enabled", matchIfMissing = true)
	ApplicationRunner tourRunner(Tour tour) {
		return (args) -> tour.run();
	}

	/**
	 * Start the application and run the tour; exit with the tour's status, or keep
	 * running when a web server was started.
	 * @param args command-line arguments; {@value #SERVER_OPTION} keeps the application
	 * running with a web server
	 */
	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(SampleApplication.class);
		List<String> arguments = new ArrayList<>(List.of(args));
		if (arguments.remove(SERVER_OPTION)) {
			application.setAdditionalProfiles(SERVER_PROFILE);
		}
		ConfigurableApplicationContext context = application.run(arguments.toArray(String[]::new));
		if (context instanceof WebServerApplicationContext web) {
			String base = "http://127.0.0.1:" + web.getWebServer().getPort() + "/actuator";
			System.out.printf(
					"%nStill running, look around (Ctrl+C to stop):%n  %s/asyncutils%n"
							+ "  %s/asyncutils/inventory-api%n  %s/metrics/asyncutils.throttle.wait%n  %s/health%n",
					base, base, base, base);
			return;
		}
		System.exit(SpringApplication.exit(context));
	}

}
