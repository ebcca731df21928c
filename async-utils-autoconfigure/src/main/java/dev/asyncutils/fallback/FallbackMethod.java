package dev.asyncutils.fallback;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import dev.asyncutils.core.Call;
import dev.asyncutils.core.MethodContext;
import dev.asyncutils.core.ReturnKind;

/**
 * The method named by {@code @Fallback}, resolved and checked once at startup. It takes
 * the guarded method's parameters, optionally followed by the failure; when both forms
 * exist, the one that receives the failure is used.
 */
final class FallbackMethod {

	private static final Log logger = LogFactory.getLog(FallbackMethod.class);

	private final Method method;

	private final boolean passFailure;

	private final boolean returnsStage;

	private final FallbackStats stats;

	private FallbackMethod(Method method, boolean passFailure, boolean returnsStage, FallbackStats stats) {
		this.method = method;
		this.passFailure = passFailure;
		this.returnsStage = returnsStage;
		this.stats = stats;
	}

	/**
	 * Return whether the fallback returns a {@code CompletionStage} (for a stage method
	 * that may also return the plain value).
	 * @return {@code true} if its result is a stage
	 */
	boolean returnsStage() {
		return this.returnsStage;
	}

	/**
	 * Call the fallback for a failed call.
	 * @param call the call that failed
	 * @param failure its final failure
	 * @return the fallback's result
	 * @throws Throwable what the fallback threw, unwrapped
	 */
	@Nullable Object invoke(Call call, Throwable failure) throws Throwable {
		this.stats.called(failure);
		if (logger.isDebugEnabled()) {
			logger.debug("async-utils: fallback " + this.method.getName() + " answers for " + call.method().getName()
					+ " after " + failure);
		}
		@Nullable Object[] arguments = call.arguments();
		if (this.passFailure) {
			arguments = Arrays.copyOf(arguments, arguments.length + 1);
			arguments[arguments.length - 1] = failure;
		}
		try {
			return this.method.invoke(call.target(), arguments);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	/**
	 * Find and check the fallback method of a guarded method. Parameter and return types
	 * are compared with type variables resolved against the bean class, so that
	 * {@code Base<T>.fallback(int, T)} is {@code fallback(int, Long)} on a bean
	 * {@code Sub extends Base<Long>}.
	 * @param context the guarded method
	 * @param name the fallback method's name
	 * @param applyOn the failures that use the fallback (the failure parameter must
	 * accept each of them)
	 * @param applyOnDefaulted whether {@code applyOn} was left unset (so it is
	 * {@code Throwable}), for the advice when a failure parameter is too narrow
	 * @param stats the counts of the instance
	 * @return the resolved fallback
	 */
	static FallbackMethod resolve(MethodContext context, String name, Collection<Class<? extends Throwable>> applyOn,
			boolean applyOnDefaulted, FallbackStats stats) {
		Class<?> beanClass = context.beanClass();
		Class<?>[] parameters = parameterTypes(context.method(), beanClass);
		List<Method> candidates = Arrays
			.stream(ReflectionUtils.getUniqueDeclaredMethods(beanClass,
					(method) -> method.getName().equals(name) && !method.isBridge()))
			.toList();
		Method withFailure = null;
		Method plain = null;
		Method tooNarrow = null;
		for (Method candidate : candidates) {
			Class<?>[] types = parameterTypes(candidate, beanClass);
			if (Arrays.equals(types, parameters)) {
				plain = candidate;
			}
			else if (types.length == parameters.length + 1
					&& Arrays.equals(Arrays.copyOf(types, parameters.length), parameters)
					&& Throwable.class.isAssignableFrom(types[parameters.length])) {
				Class<?> failureType = types[parameters.length];
				if (applyOn.stream().allMatch(failureType::isAssignableFrom)) {
					withFailure = candidate;
				}
				else {
					tooNarrow = candidate;
				}
			}
		}
		Method chosen = (withFailure != null) ? withFailure : plain;
		String expected = signature(name, parameters) + " or " + name + "("
				+ Arrays.stream(parameters).map((type) -> type.getSimpleName() + ", ").collect(Collectors.joining())
				+ applyOnType(applyOn) + ")";
		if (chosen == null) {
			String found = candidates.isEmpty() ? "there is no method of that name on " + beanClass.getSimpleName()
					: "found only " + candidates.stream()
						.map((method) -> signature(method.getName(), parameterTypes(method, beanClass)))
						.collect(Collectors.joining(", "));
			String advice = (tooNarrow != null) ? tooNarrowAdvice(name,
					parameterTypes(tooNarrow, beanClass)[parameters.length], applyOn, applyOnDefaulted) : "";
			throw context.invalid("@Fallback(value)", name, "needs a method " + expected + "; " + found + advice);
		}
		boolean returnsStage = checkReturnType(context, chosen, name);
		ReflectionUtils.makeAccessible(chosen);
		return new FallbackMethod(chosen, chosen == withFailure, returnsStage, stats);
	}

	/**
	 * Say why a fallback whose failure parameter is narrower than {@code applyOn} was not
	 * taken, and the two ways to fix it.
	 */
	private static String tooNarrowAdvice(String name, Class<?> failureType,
			Collection<Class<? extends Throwable>> applyOn, boolean applyOnDefaulted) {
		String missed = applyOn.stream()
			.filter((type) -> !failureType.isAssignableFrom(type))
			.map(Class::getSimpleName)
			.collect(Collectors.joining(", "));
		String why = applyOnDefaulted
				? ". Its " + failureType.getSimpleName()
						+ " parameter is too narrow: applyOn defaults to Throwable (every failure, Errors included)"
				: ". Its " + failureType.getSimpleName() + " parameter does not accept " + missed
						+ ", which applyOn lists";
		return why + "; declare the parameter as " + (applyOnDefaulted ? "Throwable" : applyOnType(applyOn))
				+ ", or use the fallback only for what it accepts: @Fallback(value = \"" + name + "\", applyOn = "
				+ failureType.getSimpleName() + ".class)";
	}

	/**
	 * Return a method's parameter types with type variables resolved against the bean
	 * class.
	 */
	private static Class<?>[] parameterTypes(Method method, Class<?> beanClass) {
		Class<?>[] types = method.getParameterTypes();
		Class<?>[] resolved = new Class<?>[types.length];
		for (int i = 0; i < types.length; i++) {
			resolved[i] = ResolvableType.forMethodParameter(method, i, beanClass).resolve(types[i]);
		}
		return resolved;
	}

	private static boolean checkReturnType(MethodContext context, Method fallback, String name) {
		Method guarded = context.method();
		Class<?> beanClass = context.beanClass();
		Class<?> expected = ResolvableType.forMethodReturnType(guarded, beanClass).resolve(guarded.getReturnType());
		Class<?> actual = ResolvableType.forMethodReturnType(fallback, beanClass).resolve(fallback.getReturnType());
		if (context.returnKind() == ReturnKind.COMPLETION_STAGE) {
			if (CompletionStage.class.isAssignableFrom(actual)) {
				return true;
			}
			Class<?> valueType = ResolvableType.forMethodReturnType(guarded, beanClass)
				.as(CompletionStage.class)
				.getGeneric(0)
				.resolve(Object.class);
			boolean voidValue = (valueType == Void.class && actual == void.class);
			if (!voidValue && (actual == void.class || !ClassUtils.isAssignable(valueType, actual))) {
				throw context.invalid("@Fallback(value)", name,
						"method " + signature(fallback.getName(), parameterTypes(fallback, beanClass)) + " returns "
								+ actual.getSimpleName() + ", but must return " + valueType.getSimpleName()
								+ " or a CompletionStage of it");
			}
			return false;
		}
		boolean matches = (expected == void.class) ? actual == void.class
				: actual != void.class && ClassUtils.isAssignable(expected, actual);
		if (!matches) {
			throw context.invalid("@Fallback(value)", name,
					"method " + signature(fallback.getName(), parameterTypes(fallback, beanClass)) + " returns "
							+ actual.getSimpleName() + ", but must return " + expected.getSimpleName()
							+ " like the guarded method");
		}
		return false;
	}

	private static String applyOnType(Collection<Class<? extends Throwable>> applyOn) {
		return (applyOn.size() == 1) ? applyOn.iterator().next().getSimpleName() : "Throwable";
	}

	private static String signature(String name, Class<?>[] parameters) {
		return name + Arrays.stream(parameters).map(Class::getSimpleName).collect(Collectors.joining(", ", "(", ")"));
	}

}
