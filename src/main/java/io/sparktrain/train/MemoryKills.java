package io.sparktrain.train;

import java.io.PrintStream;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;

/**
 * Executors that the cluster manager killed for using more memory than their container holds: YARN's
 * physical (or virtual) memory check, or the kernel's OOM killer in a Kubernetes pod. Spark reports such a
 * loss as one more lost executor and retries its tasks until the job fails with a generic error; this
 * watcher says at once, in one line, what happened and which setting to raise, and remembers it so that
 * the failure that follows is reported as this cause (exit code 8) rather than as an unexpected error.
 */
public final class MemoryKills extends SparkListener {
  private static final Pattern YARN = Pattern.compile("(?i)killed by YARN for exceeding");
  private static final Pattern USED = Pattern.compile("[0-9.]+ [KMGT]?B of [0-9.]+ [KMGT]?B (physical|virtual) memory used");
  private static final Pattern K8S = Pattern.compile("OOMKilled|possible container OOM");
  private static volatile MemoryKills watching;

  private final SparkContext sc;
  private final PrintStream console;
  private final java.util.Set<String> explained = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile String advice;

  private MemoryKills(SparkContext sc, PrintStream console) {
    this.sc = sc;
    this.console = console;
  }

  /** Watches {@code sc} (once per context; a new context replaces the old watcher and its findings). */
  public static synchronized void watch(SparkContext sc, PrintStream console) {
    if (watching == null || watching.sc != sc) {
      watching = new MemoryKills(sc, console);
      sc.addSparkListener(watching);
    }
  }

  /** The explanation of the latest memory kill in the watched context, if there was one. */
  public static Optional<String> latest() {
    MemoryKills w = watching;
    return w == null ? Optional.empty() : Optional.ofNullable(w.advice);
  }

  @Override
  public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
    explain(removed.executorId(), removed.reason(), sc.getConf()).ifPresent(line -> {
      advice = line;
      // Spark may report one loss more than once; one line per executor is enough.
      if (explained.add(removed.executorId())) {
        console.println("warning: " + line);
      }
    });
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
      String amount = used.find() ? used.group() : null;
      if (amount != null && amount.endsWith("virtual memory used")) {
        return Optional.of("executor " + executorId + " was killed by YARN's virtual memory check (" + amount
            + "): a JVM reserves far more address space than it uses; turn yarn.nodemanager.vmem-check-enabled off "
            + "on the cluster or raise yarn.nodemanager.vmem-pmem-ratio");
      }
      who = "by YARN for using more memory than its container holds" + (amount != null ? " (" + amount + ")" : "");
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
