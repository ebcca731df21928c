package dev.asyncutils.core.admission;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.Call;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.MethodContext;
import dev.asyncutils.core.ReactorSupport;

/**
 * The one invoker per return kind of every admission guard: which guard runs (a throttle
 * or a bounded limit, local or remote) is decided by the {@link Admission} the registry
 * built, never by the invoker class.
 */
public final class AdmissionInvokers {

	private AdmissionInvokers() {
	}

	/**
	 * Wrap a method's chain with an admission guard.
	 * @param method the guarded method
	 * @param admission the guard
	 * @param next the rest of the chain
	 * @return the invoker for the method's return kind
	 */
	public static Invoker create(MethodContext method, Admission admission, Invoker next) {
		return switch (method.returnKind()) {
			case PLAIN -> admission.recordsOutcome() ? new RecordingPlainInvoker(admission, next)
					: new PlainInvoker(admission, next);
			case COMPLETION_STAGE -> new StageAdmissionInvoker(admission, next, method.scheduler());
			case MONO -> ReactiveAdmission.mono(admission, next, method.scheduler(),
					ReactorSupport.scheduler(method.asyncUtilsScheduler()));
			case FLUX -> ReactiveAdmission.flux(admission, next, method.scheduler(),
					ReactorSupport.scheduler(method.asyncUtilsScheduler()));
		};
	}

	/**
	 * Plain methods: wait on the caller's thread, hold the permit for the call.
	 */
	private static final class PlainInvoker implements Invoker {

		private final Admission admission;

		private final Invoker next;

		PlainInvoker(Admission admission, Invoker next) {
			this.admission = admission;
			this.next = next;
		}

		@Override
		public @Nullable Object invoke(Call call) throws Throwable {
			Permit permit = this.admission.forCall(call).admit();
			if (permit == Permit.NONE) {
				return this.next.invoke(call);
			}
			try {
				return this.next.invoke(call);
			}
			finally {
				permit.release();
			}
		}

	}

	/**
	 * Plain methods of a guard that records outcomes.
	 */
	private static final class RecordingPlainInvoker implements Invoker {

		private final Admission admission;

		private final Invoker next;

		private final boolean timed;

		RecordingPlainInvoker(Admission admission, Invoker next) {
			this.admission = admission;
			this.next = next;
			this.timed = admission.measuresDuration();
		}

		@Override
		public @Nullable Object invoke(Call call) throws Throwable {
			Permit permit = this.admission.forCall(call).admit();
			long start = this.timed ? System.nanoTime() : 0L;
			Object result;
			try {
				result = this.next.invoke(call);
			}
			catch (Throwable ex) {
				permit.release(ex, this.timed ? System.nanoTime() - start : 0L);
				throw ex;
			}
			permit.release(null, this.timed ? System.nanoTime() - start : 0L);
			return result;
		}

	}

}
