package dev.asyncutils.timeout;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.ReflectionUtils;

import dev.asyncutils.core.Call;
import dev.asyncutils.core.CallContexts;
import dev.asyncutils.core.MethodContext;

/**
 * The {@code cleanup} method of a {@code @Timeout}, resolved once at startup: a method of
 * the bean (any visibility) with the guarded method's parameters, or with none. It runs
 * on a worker, with the caller's context in place (see {@link CallContexts}).
 */
public final class CleanupMethod {

	private static final Log logger = LogFactory.getLog(CleanupMethod.class);

	private final Method method;

	private final boolean passArguments;

	private final String description;

	private CleanupMethod(Method method, boolean passArguments, String description) {
		this.method = method;
		this.passArguments = passArguments;
		this.description = description;
	}

	/**
	 * Find and check the cleanup method of a guarded method.
	 * @param context the guarded method
	 * @param name the cleanup method's name
	 * @return the resolved cleanup method
	 */
	static CleanupMethod resolve(MethodContext context, String name) {
		Class<?> beanClass = context.beanClass();
		Class<?>[] parameters = context.method().getParameterTypes();
		Method withArguments = ReflectionUtils.findMethod(beanClass, name, parameters);
		Method method = (withArguments != null) ? withArguments : ReflectionUtils.findMethod(beanClass, name);
		if (method == null) {
			List<Method> sameName = Arrays.stream(ReflectionUtils.getUniqueDeclaredMethods(beanClass))
				.filter((candidate) -> candidate.getName().equals(name))
				.toList();
			String found = sameName.isEmpty() ? "there is no method of that name"
					: "found only " + sameName.stream().map(CleanupMethod::signature).collect(Collectors.joining(", "));
			throw context.invalid("@Timeout(cleanup)", name,
					"needs a method " + name + "("
							+ Arrays.stream(parameters).map(Class::getSimpleName).collect(Collectors.joining(", "))
							+ ") or " + name + "() on " + beanClass.getSimpleName() + "; " + found);
		}
		ReflectionUtils.makeAccessible(method);
		return new CleanupMethod(method, withArguments != null, beanClass.getSimpleName() + "." + signature(method));
	}

	/**
	 * Call the cleanup for a timed-out call. Never throws: a failing cleanup is logged.
	 * @param call the call whose deadline passed
	 */
	void run(Call call) {
		try (CallContexts.Scope scope = call.enterContext()) {
			this.method.invoke(call.target(), this.passArguments ? call.arguments() : new Object[0]);
		}
		catch (InvocationTargetException ex) {
			logger.warn("async-utils: cleanup method " + this.description + " failed", ex.getTargetException());
		}
		catch (Throwable ex) {
			logger.warn("async-utils: cleanup method " + this.description + " could not be called", ex);
		}
	}

	private static String signature(Method method) {
		return method.getName() + Arrays.stream(method.getParameterTypes())
			.map(Class::getSimpleName)
			.collect(Collectors.joining(", ", "(", ")"));
	}

	@Override
	public String toString() {
		return this.description;
	}

}
