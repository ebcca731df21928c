package dev.asyncutils.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} on a free loopback port, started by the tests: no
 * persistence, killed (not shut down) by {@link #kill()} to simulate a crash, and always
 * killed when the JVM exits. Tests skip when {@code redis-server} is not installed,
 * except in CI ({@code CI=true}), where they fail.
 */
final class RedisServer implements AutoCloseable {

	private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "redis-server-killer"));
	}

	private final String executable;

	private final int port;

	private volatile Process process;

	private RedisServer(String executable, int port) {
		this.executable = executable;
		this.port = port;
	}

	/**
	 * Start a server on a free port; skip the test class when redis-server is missing
	 * (fail in CI).
	 * @return the running server
	 */
	static RedisServer start() {
		String executable = find();
		if (executable == null) {
			String message = "redis-server is not installed: these tests need a real Redis "
					+ "(install it with 'apt-get install redis-server')";
			if ("true".equalsIgnoreCase(System.getenv("CI"))) {
				Assertions.fail(message + "; CI=true requires them to run");
			}
			System.err.println("SKIPPED " + message);
			Assumptions.abort(message);
		}
		RedisServer server = new RedisServer(executable, freePort());
		server.restart();
		return server;
	}

	private static String find() {
		// -Dredis-server.path=... picks another binary (or, pointing nowhere, shows the
		// skip)
		String configured = System.getProperty("redis-server.path");
		if (configured != null) {
			return new File(configured).canExecute() ? configured : null;
		}
		for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
			if (new File(candidate).canExecute()) {
				return candidate;
			}
		}
		String path = System.getenv("PATH");
		if (path != null) {
			for (String dir : path.split(File.pathSeparator)) {
				File file = new File(dir, "redis-server");
				if (file.canExecute()) {
					return file.getPath();
				}
			}
		}
		return null;
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	int port() {
		return this.port;
	}

	/**
	 * Start the server (again) on its port, empty, and wait until it answers.
	 */
	void restart() {
		try {
			Path log = Files.createTempFile("redis-server-" + this.port, ".log");
			Process process = new ProcessBuilder(this.executable, "--port", Integer.toString(this.port), "--bind",
					"127.0.0.1", "--save", "", "--appendonly", "no")
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			RUNNING.add(process);
			this.process = process;
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (!ping()) {
				if (!process.isAlive() || System.nanoTime() > deadline) {
					throw new IllegalStateException(
							"redis-server did not start on port " + this.port + ": " + Files.readString(log));
				}
				Thread.sleep(20);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Kill the server with SIGKILL, as a crash would, and wait until it is gone.
	 */
	void kill() {
		Process process = this.process;
		process.destroyForcibly();
		try {
			process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		RUNNING.remove(process);
	}

	boolean ping() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 200);
			socket.setSoTimeout(500);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] reply = new byte[7];
			int read = in.readNBytes(reply, 0, 7);
			return read == 7 && new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Override
	public void close() {
		kill();
	}

}
