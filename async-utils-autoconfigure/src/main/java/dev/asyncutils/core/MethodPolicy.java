package dev.asyncutils.core;

/**
 * The resolved policy chain of one method: built once at startup, used on every call.
 *
 * @param invoker the outermost link of the chain
 * @param mode how often and how concurrently the chain re-enters the method
 */
record MethodPolicy(Invoker invoker, Call.CallMode mode) {

}
