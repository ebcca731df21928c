package dev.asyncutils.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

/**
 * Lets an {@code async-utils.*} property written with nothing after it ({@code max-wait:}
 * in YAML, as the contract's own example does for {@code item-timeout}) mean "not set",
 * the same as leaving the line out, instead of failing the startup as an unbound
 * property. Only blank values under {@code async-utils} are affected; any other value
 * that cannot be bound still fails the startup, naming the property.
 */
final class EmptyMeansUnset implements ConfigurationPropertiesBindHandlerAdvisor {

	private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of("async-utils");

	@Override
	public BindHandler apply(BindHandler bindHandler) {
		return new AbstractBindHandler(bindHandler) {

			@Override
			public void onFinish(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
					@Nullable Object result) throws Exception {
				if (result == null && PREFIX.isAncestorOf(name) && isBlank(context.getConfigurationProperty())) {
					// bound to nothing on purpose: count it as bound, so no "unbound"
					// error
					onSuccess(name, target, context, "");
				}
				super.onFinish(name, target, context, result);
			}

		};
	}

	private static boolean isBlank(@Nullable ConfigurationProperty property) {
		return property != null && property.getValue() instanceof CharSequence text && text.toString().isBlank();
	}

}
