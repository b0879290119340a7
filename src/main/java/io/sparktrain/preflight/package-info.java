/**
 * Preflight: {@link io.sparktrain.preflight.Doctor} runs the checks of {@code sparktrain doctor}, each
 * with a bounded timeout and a one-line {@link io.sparktrain.preflight.Verdict}.
 */
package io.sparktrain.preflight;
