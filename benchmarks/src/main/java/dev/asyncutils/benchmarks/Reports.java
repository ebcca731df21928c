package dev.asyncutils.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the main classes write their fragments: {@code benchmarks/target/results/}
 * (relative to the repository root, where {@code run.sh} runs), or the directory of the
 * system property {@code bench.out}.
 */
final class Reports {

	private Reports() {
	}

	/**
	 * Write a result fragment.
	 * @param name the file name
	 * @param content the content
	 */
	static void write(String name, String content) {
		Path directory = Path.of(System.getProperty("bench.out", "benchmarks/target/results"));
		try {
			Files.createDirectories(directory);
			Files.writeString(directory.resolve(name), content, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Format a number with a fixed count of decimals, whatever the locale.
	 * @param value the number
	 * @param decimals the decimals
	 * @return the text
	 */
	static String fixed(double value, int decimals) {
		return String.format(Locale.ROOT, "%." + decimals + "f", value);
	}

	/**
	 * Quote a string for JSON.
	 * @param text the text
	 * @return the JSON string
	 */
	static String json(String text) {
		return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
	}

}
