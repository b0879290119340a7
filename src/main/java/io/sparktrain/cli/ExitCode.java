package io.sparktrain.cli;

import io.sparktrain.config.ConfigException;
import io.sparktrain.data.DataException;
import picocli.CommandLine;

/** The documented exit codes (README, "Exit codes"), and the one place failures are mapped to them. */
public enum ExitCode {
  OK(0, "success"),
  FAILURE(1, "unexpected failure"),
  BAD_CONFIG(2, "bad config or arguments"),
  BAD_DATA(3, "bad or unreadable input data"),
  DIVERGED(4, "training diverged and could not be recovered"),
  GATE_REFUSED(5, "quality gate refused the model"),
  PREFLIGHT_FAILED(6, "preflight failed"),
  STORAGE(7, "run directory could not be written"),
  CONTAINER_MEMORY(8, "containers killed for exceeding their memory"),
  INTERRUPTED(130, "stopped by SIGINT"),
  TERMINATED(143, "stopped by SIGTERM");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  public int code() {
    return code;
  }

  public String meaning() {
    return meaning;
  }

  /** The exit code for a failure: the first cause in the chain that is one of ours decides. */
  public static ExitCode of(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      ExitCode code = ownCode(t);
      if (code != null) {
        return code;
      }
    }
    return FAILURE;
  }

  /**
   * The code and one-line message for a failure. A failure that is not one of ours, caused by the cluster
   * killing an executor for memory ({@code memoryKill}: the explanation), is reported as that cause.
   */
  public record Outcome(ExitCode code, String message) {}

  public static Outcome outcome(Throwable failure, java.util.Optional<String> memoryKill) {
    ExitCode code = of(failure);
    if (code == FAILURE && memoryKill.isPresent()) {
      return new Outcome(CONTAINER_MEMORY, memoryKill.get() + "; the job then failed: "
          + message(failure).lines().findFirst().orElse(""));
    }
    if (code == FAILURE) {
      DataException csv = io.sparktrain.data.CsvSource.limitBroken(failure);
      if (csv != null) {
        return new Outcome(BAD_DATA, io.sparktrain.config.Redaction.text(csv.getMessage()));
      }
      String heap = executorOutOfMemory(failure);
      if (heap != null) {
        return new Outcome(FAILURE, heap);
      }
    }
    return new Outcome(code, message(failure));
  }

  /**
   * The one line for a job that failed because a task ran out of heap on an executor (the error reaches
   * the driver as the task's failure text), naming the setting to raise; null for any other failure.
   */
  static String executorOutOfMemory(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      int at = m.indexOf("java.lang.OutOfMemoryError");
      if (at >= 0 && !(t instanceof OutOfMemoryError)) {
        String what = m.substring(at).lines().findFirst().orElse("").trim();
        return "a task ran out of memory on an executor (" + what + "): raise spark.executor.memory (in local mode"
            + " the executors run in the driver's JVM: SPARKTRAIN_DRIVER_MEMORY for bin/sparktrain), or lower"
            + " train.batchSizePerWorker";
      }
    }
    return null;
  }

  /** The message to show for a failure: ours as it is, anything else with its type. */
  public static String message(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (ownCode(t) != null && !(t instanceof CommandLine.ParameterException)) {
        return io.sparktrain.config.Redaction.text(t.getMessage());
      }
    }
    return io.sparktrain.config.Redaction.text(failure.getClass().getName() + ": " + failure.getMessage());
  }

  /** The code of one of the project's own failures, or null for anything else. */
  private static ExitCode ownCode(Throwable t) {
    if (t instanceof ConfigException || t instanceof CommandLine.ParameterException) {
      return BAD_CONFIG;
    }
    if (t instanceof DataException) {
      return BAD_DATA;
    }
    if (t instanceof io.sparktrain.train.DivergedException) {
      return DIVERGED;
    }
    if (t instanceof io.sparktrain.publish.GateRefusedException) {
      return GATE_REFUSED;
    }
    if (t instanceof io.sparktrain.data.StorageException) {
      return STORAGE;
    }
    if (t instanceof RunInterrupted r) {
      return Signals.code(r.signal());
    }
    return null;
  }
}
