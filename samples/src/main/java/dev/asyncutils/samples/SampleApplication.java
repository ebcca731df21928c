package dev.asyncutils.samples;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The sample application: runs the {@link Tour} once and exits.
 */
@SpringBootApplication
public class SampleApplication {

	/**
	 * Start the application, run the tour, exit with its status.
	 * @param args command-line arguments
	 */
	public static void main(String[] args) {
		System.exit(SpringApplication.exit(SpringApplication.run(SampleApplication.class, args)));
	}

}
