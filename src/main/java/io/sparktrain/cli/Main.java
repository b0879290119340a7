package io.sparktrain.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point: parses the command line and delegates; failures become the documented exit codes. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one command and returns its exit code; tests call this instead of {@link #main}. */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new SparktrainCommand());
    cli.setExecutionExceptionHandler((failure, commandLine, parseResult) -> {
      ExitCode code = ExitCode.of(failure);
      PrintWriter err = commandLine.getErr();
      err.println("error: " + ExitCode.message(failure));
      if (code == ExitCode.FAILURE) {
        failure.printStackTrace(err);
      }
      err.println("exit code " + code.code() + " (" + code.meaning() + ")");
      err.flush();
      return code.code();
    });
    cli.setParameterExceptionHandler((failure, args2) -> {
      PrintWriter err = failure.getCommandLine().getErr();
      err.println("error: " + failure.getMessage());
      failure.getCommandLine().usage(err);
      err.flush();
      return ExitCode.BAD_CONFIG.code();
    });
    try {
      return cli.execute(args);
    } catch (LinkageError | RuntimeException failure) {
      // Errors such as a missing class escape picocli's handler; they still get exit code 1 and a trace.
      System.err.println("error: " + failure);
      failure.printStackTrace();
      System.err.println("exit code " + ExitCode.FAILURE.code() + " (" + ExitCode.FAILURE.meaning() + ")");
      return ExitCode.FAILURE.code();
    }
  }
}
