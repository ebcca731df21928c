package dev.asyncutils.core;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.StringJoiner;

import org.jspecify.annotations.Nullable;

import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelCompilerMode;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.SpelParserConfiguration;
import org.springframework.expression.spel.ast.CompoundExpression;
import org.springframework.expression.spel.ast.FunctionReference;
import org.springframework.expression.spel.ast.PropertyOrFieldReference;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.StandardEvaluationContext;

/**
 * A SpEL expression over the arguments of a guarded method ({@code @Throttle(key)},
 * {@code @Bounded(key)}, {@code @Throttle(permits)}, {@code @Debounce(key)}), parsed and
 * checked once at startup and evaluated cheaply on every call.
 *
 * <p>
 * The expression may name a parameter as {@code #name} (when the method was compiled with
 * {@code -parameters}), {@code #p0} or {@code #a0}, and all arguments as
 * {@code #root.args}. At startup these references are rewritten to index the argument
 * array itself ({@code #root[0]}), which is the root object of every evaluation: a call
 * then needs no evaluation context of its own, and once SpEL has compiled the expression
 * to bytecode (after a few interpreted calls: {@link SpelCompilerMode#MIXED}, which falls
 * back to interpretation if an argument of another type arrives), evaluating it allocates
 * nothing but what the expression itself creates. A reference to anything else (an
 * unknown variable, a function) fails the startup.
 */
public final class ArgumentExpression {

	private static final SpelExpressionParser CHECKING_PARSER = new SpelExpressionParser();

	private static final ParameterNameDiscoverer PARAMETER_NAMES = new DefaultParameterNameDiscoverer();

	private final String text;

	private final String source;

	private final String origin;

	private final SpelExpression expression;

	private final EvaluationContext context;

	/** The argument the whole expression stands for, or -1. */
	private final int argument;

	private ArgumentExpression(String text, String source, String origin, SpelExpression expression, int argument) {
		this.text = text;
		this.source = source;
		this.origin = origin;
		this.expression = expression;
		this.argument = argument;
		StandardEvaluationContext context = new StandardEvaluationContext();
		// initialize the lazily built parts now, not concurrently on the first calls
		context.getPropertyAccessors();
		context.getMethodResolvers();
		context.getConstructorResolvers();
		context.getIndexAccessors();
		context.getTypeLocator();
		context.getTypeConverter();
		context.getTypeComparator();
		context.getOperatorOverloader();
		this.context = context;
	}

	/**
	 * Parse and check an expression of an annotation attribute.
	 * @param method the guarded method
	 * @param attribute the attribute, for messages ({@code @Throttle(key)})
	 * @param text the expression as written (placeholders are not resolved)
	 * @return the expression
	 * @throws AsyncUtilsConfigurationException if it does not parse or refers to
	 * something other than the method's parameters
	 */
	public static ArgumentExpression compile(MethodContext method, String attribute, String text) {
		return compile(method.method(), text, attribute, method.description() + " of bean '" + method.beanName() + "'",
				(problem) -> method.invalid(attribute, text, problem));
	}

	/**
	 * Parse and check an expression over the parameters of a method, reporting problems
	 * through the given factory.
	 * @param method the method whose parameters the expression refers to
	 * @param text the expression
	 * @param source what holds the expression, for messages ({@code @Throttle(key)})
	 * @param origin the method, for messages
	 * @param invalid creates the exception for a problem
	 * @return the expression
	 */
	static ArgumentExpression compile(Method method, String text, String source, String origin,
			java.util.function.Function<String, RuntimeException> invalid) {
		String[] names = PARAMETER_NAMES.getParameterNames(method);
		int count = method.getParameterCount();
		SpelExpression checked;
		try {
			checked = (SpelExpression) CHECKING_PARSER.parseExpression(text);
		}
		catch (ParseException ex) {
			throw invalid.apply("not a valid SpEL expression: " + ex.getSimpleMessage());
		}
		List<Replacement> replacements = new ArrayList<>();
		collect(checked.getAST(), names, count, replacements, invalid);
		replacements.sort(Comparator.comparingInt(Replacement::start));
		StringBuilder rewritten = new StringBuilder(text.length() + 16);
		int at = 0;
		for (Replacement replacement : replacements) {
			rewritten.append(text, at, replacement.start()).append(replacement.text());
			at = replacement.end();
		}
		rewritten.append(text, at, text.length());
		int argument = -1;
		if (replacements.size() == 1 && replacements.get(0).argument() >= 0
				&& rewritten.toString().trim().equals(replacements.get(0).text())) {
			argument = replacements.get(0).argument();
		}
		SpelExpressionParser compiling = new SpelExpressionParser(
				new SpelParserConfiguration(SpelCompilerMode.MIXED, method.getDeclaringClass().getClassLoader()));
		SpelExpression expression = (SpelExpression) compiling.parseExpression(rewritten.toString());
		return new ArgumentExpression(text, source, origin, expression, argument);
	}

	private static void collect(SpelNode node, String @Nullable [] names, int count, List<Replacement> replacements,
			java.util.function.Function<String, RuntimeException> invalid) {
		if (node instanceof FunctionReference) {
			throw invalid.apply("'" + node.toStringAST() + "' calls a function, and none is registered; "
					+ available(names, count));
		}
		if (node instanceof CompoundExpression && node.getChildCount() >= 2
				&& node.getChild(0) instanceof VariableReference root && "#root".equals(root.toStringAST())) {
			if (node.getChild(1) instanceof PropertyOrFieldReference property && "args".equals(property.getName())) {
				replacements.add(new Replacement(root.getStartPosition(), property.getEndPosition(), "#root", -1));
				for (int i = 2; i < node.getChildCount(); i++) {
					collect(node.getChild(i), names, count, replacements, invalid);
				}
				return;
			}
			throw invalid.apply("'#root' offers only 'args' (the arguments as an array); " + available(names, count));
		}
		if (node instanceof VariableReference variable) {
			String name = variable.toStringAST().substring(1);
			if (name.equals("this")) {
				return;
			}
			int index = parameterIndex(name, names, count);
			if (index < 0) {
				throw invalid.apply("'#" + name + "' is not a parameter; " + available(names, count));
			}
			replacements.add(new Replacement(variable.getStartPosition(), variable.getEndPosition(),
					"#root[" + index + "]", index));
			return;
		}
		for (int i = 0; i < node.getChildCount(); i++) {
			collect(node.getChild(i), names, count, replacements, invalid);
		}
	}

	private static int parameterIndex(String name, String @Nullable [] names, int count) {
		if (names != null) {
			for (int i = 0; i < names.length; i++) {
				if (names[i].equals(name)) {
					return i;
				}
			}
		}
		if (name.length() > 1 && (name.charAt(0) == 'p' || name.charAt(0) == 'a')) {
			try {
				int index = Integer.parseInt(name.substring(1));
				return (index >= 0 && index < count) ? index : -1;
			}
			catch (NumberFormatException ex) {
				return -1;
			}
		}
		return -1;
	}

	private static String available(String @Nullable [] names, int count) {
		if (count == 0) {
			return "the method has no parameters";
		}
		StringJoiner joiner = new StringJoiner(", ", "use ", "");
		for (int i = 0; i < count; i++) {
			joiner.add(((names != null) ? "#" + names[i] + " or " : "") + "#p" + i);
		}
		String advice = joiner + ", or #root.args";
		return (names != null) ? advice : advice
				+ " (parameter names need the compiler's -parameters flag; Spring Boot's build plugins set it)";
	}

	/**
	 * Evaluate the expression for one call.
	 * @param arguments the call's arguments
	 * @return the value
	 * @throws IllegalArgumentException if evaluating fails, naming the expression
	 */
	public @Nullable Object evaluate(@Nullable Object[] arguments) {
		int argument = this.argument;
		if (argument >= 0) {
			return arguments[argument];
		}
		try {
			return this.expression.getValue(this.context, arguments);
		}
		catch (EvaluationException ex) {
			throw new IllegalArgumentException(
					this.source + " = '" + this.text + "' of " + this.origin + " failed: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Return the expression as written.
	 * @return the text
	 */
	public String text() {
		return this.text;
	}

	/**
	 * Return the expression as evaluated, with parameter references rewritten (for tests
	 * and diagnostics).
	 * @return the rewritten expression
	 */
	String evaluated() {
		return this.expression.getExpressionString();
	}

	/**
	 * Return whether SpEL has compiled the expression to bytecode yet (for tests and
	 * benchmarks); an expression that is just one argument is never evaluated by SpEL.
	 * @return {@code true} once compiled, or if SpEL is not needed at all
	 */
	public boolean isCompiled() {
		return this.argument >= 0 || this.expression.compileExpression();
	}

	@Override
	public String toString() {
		return this.source + " = '" + this.text + "'";
	}

	private record Replacement(int start, int end, String text, int argument) {

	}

}
