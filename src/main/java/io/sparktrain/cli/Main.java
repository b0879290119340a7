package io.sparktrain.cli;

import io.sparktrain.config.Redaction;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point: parses the command line and delegates; failures become the documented exit codes. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int code = run(args);
    // In YARN cluster mode this main runs inside the ApplicationMaster, which reports an application that
    // calls System.exit (even with 0) as FAILED ("Shutdown hook called before final status was reported"):
    // there a success returns, and the ApplicationMaster reports SUCCEEDED and stops Spark.
    if (code != 0 || System.getProperty("spark.yarn.app.id") == null) {
      System.exit(code);
    }
  }

  /** Runs one command and returns its exit code; tests call this instead of {@link #main}. */
  public static int run(String... args) {
    return run(null, null, args);
  }

  /** Runs one command writing to {@code out} and {@code err} (null: standard output and error). */
  public static int run(PrintWriter stdout, PrintWriter stderr, String... args) {
    io.sparktrain.model.NativeHelpers.enable();
    CommandLine cli = new CommandLine(new SparktrainCommand());
    if (stdout != null) {
      cli.setOut(stdout);
    }
    if (stderr != null) {
      cli.setErr(stderr);
    }
    boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
    cli.setExecutionExceptionHandler((failure, commandLine, parseResult) -> {
      ExitCode.Outcome outcome = ExitCode.outcome(failure, io.sparktrain.train.MemoryKills.causeOf(failure));
      ExitCode code = outcome.code();
      PrintWriter err = commandLine.getErr();
      // One line that names the thing at fault; a stack trace only for the unexpected, or with --verbose.
      if (verbose || code == ExitCode.FAILURE && ExitCode.executorOutOfMemory(failure) == null) {
        err.print(stackTrace(failure));
      }
      err.println(errorLine(outcome.message(), code));
      err.flush();
      return code.code();
    });
    cli.setParameterExceptionHandler((failure, args2) -> {
      PrintWriter err = failure.getCommandLine().getErr();
      failure.getCommandLine().usage(err);
      err.println(errorLine(Redaction.text(failure.getMessage()), ExitCode.BAD_CONFIG));
      err.flush();
      return ExitCode.BAD_CONFIG.code();
    });
    try {
      return cli.execute(args);
    } catch (OutOfMemoryError failure) {
      // Picocli passes Errors on. One line naming the setting to raise; the heap is freed by now.
      System.err.println(errorLine(outOfMemory(failure, Runtime.getRuntime().maxMemory()), ExitCode.FAILURE));
      return ExitCode.FAILURE.code();
    } catch (LinkageError | RuntimeException failure) {
      // Errors such as a missing class escape picocli's handler; they still get exit code 1 and a trace.
      System.err.print(stackTrace(failure));
      System.err.println(errorLine(Redaction.text(failure.toString()), ExitCode.FAILURE));
      return ExitCode.FAILURE.code();
    }
  }

  /** The one line for the driver running out of memory: what ran out and the setting that gives more. */
  static String outOfMemory(OutOfMemoryError failure, long maxHeap) {
    String what = String.valueOf(failure.getMessage());
    if (what.contains("Direct buffer") || what.contains("Physical memory") || what.contains("off-heap")
        || what.contains("maxbytes")) {
      return "the driver ran out of off-heap memory (" + what + "): raise SPARKTRAIN_OFFHEAP for bin/sparktrain, or"
          + " org.bytedeco.javacpp.maxbytes in spark.driver.extraJavaOptions and spark.driver.memoryOverhead";
    }
    return "the driver ran out of memory (" + what + ", heap " + (maxHeap >> 20) + " MiB): raise spark.driver.memory"
        + " (SPARKTRAIN_DRIVER_MEMORY for bin/sparktrain)";
  }

  /** A failure's stack trace with secrets in its messages masked. */
  static String stackTrace(Throwable failure) {
    java.io.StringWriter trace = new java.io.StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    return Redaction.text(trace.toString());
  }

  static String errorLine(String message, ExitCode code) {
    return "error: " + message + " (exit code " + code.code() + ": " + code.meaning() + ")";
  }
}
