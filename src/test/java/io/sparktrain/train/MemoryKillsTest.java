package io.sparktrain.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.cli.ExitCode;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class MemoryKillsTest {
  // As Spark 3.5's YarnAllocator words a container that YARN's physical memory check killed.
  static final String YARN_PMEM = "Container killed by YARN for exceeding physical memory limits. "
      + "1.1 GB of 1 GB physical memory used. Consider boosting spark.executor.memoryOverhead.";
  static final SparkConf CONF = new SparkConf(false).set("spark.executor.memory", "1024m")
      .set("spark.executor.memoryOverhead", "64m")
      .set("spark.executor.extraJavaOptions", "-Dorg.bytedeco.javacpp.maxbytes=1024m -Dx=y");

  @Test
  void explain_yarnPhysicalMemory_namesUsageAndTheSettingToRaise() {
    String line = MemoryKills.explain("3", YARN_PMEM, CONF).orElseThrow();
    assertThat(line).startsWith("executor 3 was killed by YARN for using more memory than its container holds "
            + "(1.1 GB of 1 GB physical memory used).")
        .contains("spark.executor.memory = 1024m").contains("spark.executor.memoryOverhead (64m)")
        .contains("org.bytedeco.javacpp.maxbytes = 1024m").contains("raise spark.executor.memoryOverhead")
        .doesNotContain("\n");
  }

  @Test
  void explain_yarnVirtualMemory_pointsAtTheClustersCheck() {
    String line = MemoryKills.explain("1", "Container killed by YARN for exceeding virtual memory limits. "
        + "5.2 GB of 2.1 GB virtual memory used. Consider boosting spark.executor.memoryOverhead.", CONF).orElseThrow();
    assertThat(line).contains("virtual memory check (5.2 GB of 2.1 GB virtual memory used)")
        .contains("yarn.nodemanager.vmem-check-enabled");
  }

  @Test
  void explain_kubernetesOomKilled_namesThePodLimit() {
    String line = MemoryKills.explain("2", "The executor with id 2 exited with exit code 137(SIGKILL, possible "
        + "container OOM).\nThe API gave the following container statuses: ... reason: OOMKilled", new SparkConf(false))
        .orElseThrow();
    assertThat(line).contains("by Kubernetes (OOMKilled)").contains("spark.executor.memoryOverhead (not set")
        .contains("maxbytes = not set");
  }

  @Test
  void explain_kubernetesSigkillWithoutOomKilled_nothing() {
    // Any SIGKILL (eviction, preemption, a deleted pod) is "exit code 137 (possible container OOM)".
    assertThat(MemoryKills.explain("2", "The executor with id 2 exited with exit code 137(SIGKILL, possible "
        + "container OOM).\nThe API gave the following container statuses: ... reason: Error", CONF)).isEmpty();
  }

  @Test
  void causeOf_aJobAbortedAfterTheKill_namesIt_otherFailuresNot() {
    RuntimeException aborted = new RuntimeException("wrapped", new IllegalStateException("Job aborted due to stage "
        + "failure: Task 0 in stage 13.0 failed 1 times, most recent failure: Lost task 0.0 in stage 13.0 (TID 61) "
        + "(localhost executor 1): ExecutorLostFailure (executor 1 exited caused by one of the running tasks) "
        + "Reason: " + YARN_PMEM + "\nDriver stacktrace:"));
    assertThat(MemoryKills.causeOf(aborted)).hasValueSatisfying(line -> assertThat(line)
        .startsWith("executor 1 was killed by YARN for using more memory than its container holds (1.1 GB of 1 GB"));
    assertThat(MemoryKills.causeOf(new IllegalStateException("Job aborted: ExecutorLostFailure (executor 2 exited "
        + "unrelated to the running tasks) Reason: Executor heartbeat timed out"))).isEmpty();
  }

  @Test
  void explain_otherLosses_nothing() {
    assertThat(MemoryKills.explain("1", "Command exited with code 143", CONF)).isEmpty();
    assertThat(MemoryKills.explain("1", "Executor heartbeat timed out after 120000 ms", CONF)).isEmpty();
    assertThat(MemoryKills.explain("1", null, CONF)).isEmpty();
  }

  @Test
  void exitOutcome_unexpectedFailureAfterAKill_isExit8WithTheExplanationFirst() {
    RuntimeException sparkFailure = new IllegalStateException("Job aborted due to stage failure: Task 1 failed 4 times\n"
        + "Driver stacktrace: ...");
    ExitCode.Outcome o = ExitCode.outcome(sparkFailure, Optional.of("executor 3 was killed by YARN"));
    assertThat(o.code()).isEqualTo(ExitCode.CONTAINER_MEMORY);
    assertThat(o.message()).isEqualTo("executor 3 was killed by YARN; the job then failed: "
        + "java.lang.IllegalStateException: Job aborted due to stage failure: Task 1 failed 4 times");
    assertThat(ExitCode.outcome(sparkFailure, Optional.empty()).code()).isEqualTo(ExitCode.FAILURE);
    // A failure of our own keeps its code: the kill did not cause a bad config.
    assertThat(ExitCode.outcome(new io.sparktrain.config.ConfigException("train.epochs", "bad"), Optional.of("killed")).code())
        .isEqualTo(ExitCode.BAD_CONFIG);
  }
}
