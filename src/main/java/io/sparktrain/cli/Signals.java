package io.sparktrain.cli;

import io.sparktrain.train.Interruption;
import java.io.PrintStream;
import org.apache.spark.api.java.JavaSparkContext;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM (YARN preemption, pod eviction, an Airflow timeout) and SIGINT (Ctrl-C) end a training run
 * cleanly: the first signal asks the loop to stop and cancels the running Spark jobs, so the round in
 * flight ends at once; the loop puts the network back to the last state, which is checkpointed
 * (unless the last checkpoint already holds it), and the run ends with exit code 143 or 130. A second
 * signal exits at once. The JVM's own handler would start the shutdown hooks instead, and Spark's
 * would stop the context under the running round.
 */
final class Signals {
  private Signals() {}

  /** Installs the handlers for the rest of the process. */
  static void install(Interruption interruption, JavaSparkContext sc, PrintStream err) {
    for (String name : new String[] {"TERM", "INT"}) {
      SignalHandler handler = signal -> {
        String what = "SIG" + signal.getName();
        if (interruption.requested()) {
          err.println("error: " + what + " again: exiting now (exit code " + code(what).code() + ")");
          err.flush();
          Runtime.getRuntime().halt(code(what).code());
        }
        err.println("sparktrain: " + what + ": stopping at the end of this round and checkpointing; "
            + "a second signal exits at once");
        err.flush();
        interruption.request(what);
        sc.cancelAllJobs();
      };
      try {
        Signal.handle(new Signal(name), handler);
      } catch (IllegalArgumentException e) {
        err.println("warning: cannot handle SIG" + name + " (" + e.getMessage() + "); it will stop the run uncleanly");
      }
    }
  }

  /** The exit code for a run stopped by {@code signal} ("SIGTERM", "SIGINT", or a test's reason). */
  static ExitCode code(String signal) {
    return "SIGINT".equals(signal) ? ExitCode.INTERRUPTED : ExitCode.TERMINATED;
  }
}
