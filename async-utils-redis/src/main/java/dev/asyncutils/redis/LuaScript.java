package dev.asyncutils.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * A Lua script run with {@code EVALSHA}; when the server does not know it (first use, or
 * after a restart or {@code SCRIPT FLUSH}) it is sent once with {@code EVAL}, which also
 * caches it on the server.
 */
final class LuaScript {

	private final String name;

	private final String text;

	private final String sha;

	LuaScript(String resource) {
		this.name = resource;
		try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("Missing script " + resource);
			}
			this.text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		try {
			this.sha = HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-1").digest(this.text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	String sha() {
		return this.sha;
	}

	/**
	 * Run the script.
	 * @param <T> the result type
	 * @param commands the connection's commands
	 * @param type the result type of the script
	 * @param keys the keys
	 * @param args the arguments
	 * @return the result, as the server sent it
	 */
	<T> CompletableFuture<T> run(RedisClusterAsyncCommands<String, String> commands, ScriptOutputType type,
			String[] keys, String... args) {
		CompletableFuture<T> result = new CompletableFuture<>();
		commands.<T>evalsha(this.sha, type, keys, args).whenComplete((value, failure) -> {
			if (failure != null && isNoScript(failure)) {
				commands.<T>eval(this.text, type, keys, args).whenComplete((loaded, again) -> {
					if (again != null) {
						result.completeExceptionally(again);
					}
					else {
						result.complete(loaded);
					}
				});
			}
			else if (failure != null) {
				result.completeExceptionally(failure);
			}
			else {
				result.complete(value);
			}
		});
		return result;
	}

	private static boolean isNoScript(Throwable failure) {
		return failure instanceof RedisNoScriptException
				|| (failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT"));
	}

	@Override
	public String toString() {
		return "script " + this.name + " (" + this.sha + ")";
	}

}
