package io.sparktrain.train;

import java.io.PrintStream;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;

/**
 * Executors that the cluster manager killed for using more memory than their container holds: YARN's
 * physical (or virtual) memory check, or the kernel's OOM killer in a Kubernetes pod (reason OOMKilled).
 * Spark reports such a loss as one more lost executor and retries its tasks, so a run may survive it; the
 * watcher says at once, in one line, what happened and which setting to raise. When the job then fails,
 * Spark's failure names the kill as the reason its last task attempt was lost: {@link #causeOf} finds it
 * there, so the failure is reported as this cause (exit code 8), not as an unexpected error.
 */
public final class MemoryKills extends SparkListener {
  private static final Pattern YARN = Pattern.compile("(?i)killed by YARN for exceeding");
  private static final Pattern VIRTUAL = Pattern.compile("(?i)virtual memory limits");
  private static final Pattern USED = Pattern.compile("[0-9.]+ [KMGT]?B of [0-9.]+ [KMGT]?B (physical|virtual) memory used");
  // Only the container's termination reason: "exit code 137 (possible container OOM)" is any SIGKILL
  // (eviction, preemption, a deleted pod), which a retry may well survive.
  private static final Pattern K8S = Pattern.compile("OOMKilled");
  private static volatile SparkConf conf = new SparkConf(false);
  private static volatile SparkContext watched;

  private final SparkContext sc;
  private final PrintStream console;
  private final Set<String> explained = ConcurrentHashMap.newKeySet();

  private MemoryKills(SparkContext sc, PrintStream console) {
    this.sc = sc;
    this.console = console;
  }

  /** Watches {@code sc} (once per context): a line on {@code console} for each executor killed for memory. */
  public static synchronized void watch(SparkContext sc, PrintStream console) {
    if (watched != sc) {
      watched = sc;
      conf = sc.getConf();
      sc.addSparkListener(new MemoryKills(sc, console));
    }
  }

  @Override
  public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
    // Spark may report one loss more than once; one line per executor is enough.
    if (explained.add(removed.executorId())) {
      explain(removed.executorId(), removed.reason(), sc.getConf()).ifPresent(line -> console.println("warning: " + line));
    }
  }

  /**
   * The explanation of a failure that a memory kill caused: a message in its cause chain names the kill
   * (Spark's "ExecutorLostFailure (executor 3 exited caused by one of the running tasks) Reason: Container
   * killed by YARN for exceeding physical memory limits ..."). Settings are quoted from the watched context.
   */
  public static Optional<String> causeOf(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (message == null) {
        continue;
      }
      Matcher executor = Pattern.compile("ExecutorLostFailure \\(executor (\\S+)").matcher(message);
      Optional<String> line = explain(executor.find() ? executor.group(1) : "?", message, conf);
      if (line.isPresent()) {
        return line;
      }
    }
    return Optional.empty();
  }

  /**
   * The one-line explanation of an executor loss, when Spark's {@code reason} says the cluster killed it
   * for memory; the settings in {@code conf} are quoted with their values.
   */
  static Optional<String> explain(String executorId, String reason, SparkConf conf) {
    if (reason == null) {
      return Optional.empty();
    }
    String who;
    if (YARN.matcher(reason).find()) {
      Matcher used = USED.matcher(reason);
      String amount = used.find() ? " (" + used.group() + ")" : "";
      if (VIRTUAL.matcher(reason).find()) {
        return Optional.of("executor " + executorId + " was killed by YARN's virtual memory check" + amount
            + ": a JVM reserves far more address space than it uses; turn yarn.nodemanager.vmem-check-enabled off "
            + "on the cluster or raise yarn.nodemanager.vmem-pmem-ratio");
      }
      who = "by YARN for using more memory than its container holds" + amount;
    } else if (K8S.matcher(reason).find()) {
      who = "by Kubernetes (OOMKilled) for using more memory than its pod's limit";
    } else {
      return Optional.empty();
    }
    return Optional.of("executor " + executorId + " was killed " + who + ". The container holds the heap "
        + "(spark.executor.memory = " + conf.get("spark.executor.memory", "1g") + ") plus "
        + "spark.executor.memoryOverhead (" + conf.get("spark.executor.memoryOverhead", "not set: 10% of the heap, at least 384m")
        + "), and ND4J's arrays live outside the heap (limit org.bytedeco.javacpp.maxbytes = " + maxBytes(conf)
        + "): raise spark.executor.memoryOverhead to at least that limit + 1g (the submit scripts do this "
        + "when it is not set), or lower the limit with --offheap");
  }

  private static String maxBytes(SparkConf conf) {
    Matcher m = Pattern.compile("-Dorg\\.bytedeco\\.javacpp\\.maxbytes=(\\S+)")
        .matcher(conf.get("spark.executor.extraJavaOptions", ""));
    return m.find() ? m.group(1) : "not set";
  }
}
