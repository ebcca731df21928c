package dev.asyncutils.core;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.CircuitBreaker;
import dev.asyncutils.annotation.Debounce;
import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.annotation.Timeout;

/**
 * Registers the reflection a native image needs for every bean that uses the async-utils
 * annotations, on the class, on a method, inherited or declared on an interface:
 * <ul>
 * <li>the bean class, its superclasses and interfaces, so that their methods and the
 * annotations on them can be found;</li>
 * <li>invocation of the guarded methods (a proxy calls its target reflectively) and of
 * the interface methods they implement (an interface-based proxy calls those);</li>
 * <li>invocation of every method named by {@code @Fallback(value)} or
 * {@code @Timeout(cleanup)}, every overload of that name and any visibility;</li>
 * <li>the annotation types, including composed annotations that carry ours.</li>
 * </ul>
 * The proxy class itself is generated at build time through
 * {@link AsyncUtilsBeanPostProcessor#determineBeanType}; the configuration properties are
 * covered by Spring Boot's own processing of {@code @ConfigurationProperties}.
 * <p>
 * Registered in {@code META-INF/spring/aot.factories}.
 */
public class AsyncUtilsBeanRegistrationAotProcessor implements BeanRegistrationAotProcessor {

	private static final List<Class<? extends Annotation>> ANNOTATION_TYPES = List.of(Debounce.class, Fallback.class,
			Retry.class, CircuitBreaker.class, Timeout.class, Bounded.class, Throttle.class);

	@Override
	public @Nullable BeanRegistrationAotContribution processAheadOfTime(RegisteredBean registeredBean) {
		Class<?> beanClass = ClassUtils.getUserClass(registeredBean.getBeanClass());
		Hints hints = AnnotationUtils.isCandidateClass(beanClass, ANNOTATION_TYPES) ? Hints.of(beanClass) : null;
		if (hints == null) {
			return null;
		}
		return (generationContext, code) -> hints.registerOn(generationContext.getRuntimeHints().reflection());
	}

	/**
	 * What one bean class needs, found by the same search as {@link PolicyResolver}.
	 */
	private static final class Hints {

		private final Class<?> beanClass;

		private final Set<Method> guarded = new LinkedHashSet<>();

		private final Set<String> invokedByName = new LinkedHashSet<>();

		private final Set<Class<?>> annotationTypes = new LinkedHashSet<>();

		private Hints(Class<?> beanClass) {
			this.beanClass = beanClass;
		}

		static @Nullable Hints of(Class<?> beanClass) {
			Hints hints = new Hints(beanClass);
			boolean onClass = hints.collect(MergedAnnotations.from(beanClass, SearchStrategy.TYPE_HIERARCHY));
			for (Method method : ReflectionUtils.getUniqueDeclaredMethods(beanClass,
					ReflectionUtils.USER_DECLARED_METHODS)) {
				boolean onMethod = hints.collect(MergedAnnotations.from(method, SearchStrategy.TYPE_HIERARCHY));
				if (onMethod || (onClass && Modifier.isPublic(method.getModifiers()))) {
					hints.guarded.add(method);
				}
			}
			return (onClass || !hints.guarded.isEmpty()) ? hints : null;
		}

		private boolean collect(MergedAnnotations annotations) {
			boolean found = false;
			for (Class<? extends Annotation> type : ANNOTATION_TYPES) {
				for (MergedAnnotation<?> annotation : annotations.stream(type).toList()) {
					found = true;
					this.annotationTypes.addAll(annotation.getMetaTypes());
					String invoked = (type == Fallback.class) ? annotation.getString("value")
							: (type == Timeout.class) ? annotation.getString("cleanup") : "";
					if (!invoked.isEmpty()) {
						this.invokedByName.add(invoked);
					}
				}
			}
			return found;
		}

		void registerOn(ReflectionHints reflection) {
			for (Class<?> type = this.beanClass; type != null && type != Object.class; type = type.getSuperclass()) {
				reflection.registerType(type);
			}
			Set<Class<?>> interfaces = ClassUtils.getAllInterfacesForClassAsSet(this.beanClass);
			interfaces.forEach(reflection::registerType);
			for (Method method : this.guarded) {
				reflection.registerMethod(method, ExecutableMode.INVOKE);
				for (Class<?> type : interfaces) {
					Method declared = ReflectionUtils.findMethod(type, method.getName(), method.getParameterTypes());
					if (declared != null) {
						reflection.registerMethod(declared, ExecutableMode.INVOKE);
					}
				}
			}
			for (Method method : ReflectionUtils.getUniqueDeclaredMethods(this.beanClass,
					(candidate) -> this.invokedByName.contains(candidate.getName()))) {
				reflection.registerMethod(method, ExecutableMode.INVOKE);
			}
			for (Class<?> type : this.annotationTypes) {
				reflection.registerType(type, MemberCategory.INVOKE_DECLARED_METHODS);
			}
		}

	}

}
