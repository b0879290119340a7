package io.sparktrain.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command of the project (bin/sparktrain, a submit script) as a user would, output and errors merged. */
public final class Processes {
  private Processes() {}

  /** Exit code and everything the command printed. */
  public record Result(int code, String out) {}

  public static Result run(List<String> command, Map<String, String> env, long timeoutMinutes)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().remove("SPARKTRAIN_AUTH_SECRET");
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("still running after " + timeoutMinutes + " min: " + command + "\n" + out);
    }
    return new Result(p.exitValue(), out);
  }

  /** Waits for a process whose output goes to {@code log}; its exit code, or a failure with the log after the limit. */
  public static int finish(Process p, java.nio.file.Path log, long timeoutMinutes) throws IOException, InterruptedException {
    if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("still running after " + timeoutMinutes + " min: " + java.nio.file.Files.readString(log));
    }
    return p.exitValue();
  }
}
