package dev.asyncutils.core;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ArgumentExpression}: parameter references by name, index and
 * {@code #root.args}, checked at startup, compiled, and evaluated without allocating.
 */
class ArgumentExpressionTests {

	private static final Method METHOD = ReflectionUtils.findMethod(Target.class, "call", String.class, Request.class,
			List.class);

	private static ArgumentExpression compile(String text) {
		return ArgumentExpression.compile(METHOD, text, "@Throttle(key)", "Target.call(String, Request, List)",
				(problem) -> new AsyncUtilsConfigurationException("bean", "Target.call(String, Request, List)",
						"@Throttle(key)", text, problem));
	}

	private static final Object[] ARGS = { "acme", new Request("t-1", 7), List.of(1, 2, 3, 4) };

	@Test
	void parameterByNameIndexOrArgs() {
		assertThat(compile("#tenant").evaluate(ARGS)).isEqualTo("acme");
		assertThat(compile("#p0").evaluate(ARGS)).isEqualTo("acme");
		assertThat(compile("#a0").evaluate(ARGS)).isEqualTo("acme");
		assertThat(compile(" #tenant ").evaluate(ARGS)).isEqualTo("acme");
		assertThat(compile("#root.args[0]").evaluate(ARGS)).isEqualTo("acme");
		assertThat(compile("#root.args.length").evaluate(ARGS)).isEqualTo(3);
		assertThat(compile("#request.tenantId").evaluate(ARGS)).isEqualTo("t-1");
		assertThat(compile("#p1.cost * 2").evaluate(ARGS)).isEqualTo(14);
		assertThat(compile("#batch.size()").evaluate(ARGS)).isEqualTo(4);
		assertThat(compile("'#tenant:' + #tenant + '/' + #request?.tenantId").evaluate(ARGS))
			.isEqualTo("#tenant:acme/t-1");
		assertThat(compile("#batch.?[#this > 2].size()").evaluate(ARGS)).isEqualTo(2);
		assertThat(compile("#request?.tenantId").evaluate(new Object[] { "x", null, List.of() })).isNull();
	}

	@Test
	void rewritesReferencesToTheArgumentArray() {
		assertThat(compile("#request.tenantId + #p0").evaluated()).isEqualTo("#root[1].tenantId + #root[0]");
		assertThat(compile("#root.args[2].size()").evaluated()).isEqualTo("#root[2].size()");
	}

	@Test
	void compiledAndAllocationFreeOnceWarm() {
		ArgumentExpression expression = compile("#request.tenantId");
		for (int i = 0; i < 1_000; i++) {
			assertThat(expression.evaluate(ARGS)).isEqualTo("t-1");
		}
		assertThat(expression.isCompiled()).isTrue();
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		long before = threads.getCurrentThreadAllocatedBytes();
		Object last = null;
		for (int i = 0; i < 100_000; i++) {
			last = expression.evaluate(ARGS);
		}
		long allocated = threads.getCurrentThreadAllocatedBytes() - before;
		assertThat(last).isEqualTo("t-1");
		// 100,000 evaluations: a context or a wrapper per call would be megabytes
		assertThat(allocated).isLessThan(100_000);
	}

	@Test
	void unknownVariableFailsNamingTheParameters() {
		assertThatExceptionOfType(AsyncUtilsConfigurationException.class).isThrownBy(() -> compile("#tenantId"))
			.withMessageContaining("bean 'bean'")
			.withMessageContaining("Target.call(String, Request, List)")
			.withMessageContaining("@Throttle(key) = '#tenantId'")
			.withMessageContaining(
					"'#tenantId' is not a parameter; use #tenant or #p0, #request or #p1, #batch or #p2");
		assertThatExceptionOfType(AsyncUtilsConfigurationException.class).isThrownBy(() -> compile("#p3"))
			.withMessageContaining("'#p3' is not a parameter");
		assertThatExceptionOfType(AsyncUtilsConfigurationException.class).isThrownBy(() -> compile("#root.method"))
			.withMessageContaining("'#root' offers only 'args'");
		assertThatExceptionOfType(AsyncUtilsConfigurationException.class).isThrownBy(() -> compile("#hash(#p0)"))
			.withMessageContaining("calls a function");
	}

	@Test
	void syntaxErrorFailsAtOnce() {
		assertThatExceptionOfType(AsyncUtilsConfigurationException.class).isThrownBy(() -> compile("#tenant +"))
			.withMessageContaining("@Throttle(key) = '#tenant +'")
			.withMessageContaining("not a valid SpEL expression");
	}

	@Test
	void failureWhileEvaluatingNamesTheExpression() {
		ArgumentExpression expression = compile("#request.tenantId");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> expression.evaluate(new Object[] { "x", null, List.of() }))
			.withMessageContaining("@Throttle(key) = '#request.tenantId' of Target.call(String, Request, List)");
	}

	public record Request(String tenantId, int cost) {

		public String getTenantId() {
			return this.tenantId;
		}

		public int getCost() {
			return this.cost;
		}

	}

	static class Target {

		void call(String tenant, Request request, List<Integer> batch) {
		}

	}

}
