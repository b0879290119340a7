package io.sparktrain.cli;

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
      if (verbose || code == ExitCode.FAILURE) {
        failure.printStackTrace(err);
      }
      err.println(errorLine(outcome.message(), code));
      err.flush();
      return code.code();
    });
    cli.setParameterExceptionHandler((failure, args2) -> {
      PrintWriter err = failure.getCommandLine().getErr();
      failure.getCommandLine().usage(err);
      err.println(errorLine(failure.getMessage(), ExitCode.BAD_CONFIG));
      err.flush();
      return ExitCode.BAD_CONFIG.code();
    });
    try {
      return cli.execute(args);
    } catch (LinkageError | RuntimeException failure) {
      // Errors such as a missing class escape picocli's handler; they still get exit code 1 and a trace.
      failure.printStackTrace();
      System.err.println(errorLine(failure.toString(), ExitCode.FAILURE));
      return ExitCode.FAILURE.code();
    }
  }

  static String errorLine(String message, ExitCode code) {
    return "error: " + message + " (exit code " + code.code() + ": " + code.meaning() + ")";
  }
}
