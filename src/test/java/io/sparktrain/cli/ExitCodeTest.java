package io.sparktrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.config.ConfigException;
import io.sparktrain.data.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ExitCodeTest {
  @Test
  void of_wrappedDataException_isBadData() {
    assertThat(ExitCode.of(new RuntimeException("spark", new DataException("x: truncated")))).isEqualTo(ExitCode.BAD_DATA);
    assertThat(ExitCode.message(new RuntimeException("spark", new DataException("x: truncated")))).isEqualTo("x: truncated");
  }

  @Test
  void of_configException_isBadConfig() {
    assertThat(ExitCode.of(new ConfigException("train.epochs", "bad")).code()).isEqualTo(2);
  }

  @Test
  void of_anythingElse_isFailure() {
    assertThat(ExitCode.of(new IllegalStateException("boom")).code()).isEqualTo(1);
  }

  /**
   * README.md's "## Exit codes" table, code to meaning: every row of its table must be "| N | meaning |".
   */
  static Map<Integer, String> documentedExitCodes() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("README.md"));
    int section = lines.indexOf("## Exit codes");
    assertThat(section).as("README.md has a \"## Exit codes\" section").isNotNegative();
    int header = section + 1;
    while (header < lines.size() && !lines.get(header).startsWith("|")) {
      header++;
    }
    assertThat(header + 1).as("the section's table").isLessThan(lines.size());
    assertThat(lines.get(header + 1)).as("the table's separator row").startsWith("| ---");
    Map<Integer, String> codes = new LinkedHashMap<>();
    Pattern row = Pattern.compile("\\| (\\d+) \\| (.+) \\|");
    for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      Matcher m = row.matcher(lines.get(i));
      assertThat(m.matches()).as("README.md line %d is a row \"| N | meaning |\": %s", i + 1, lines.get(i)).isTrue();
      assertThat(codes.put(Integer.parseInt(m.group(1)), m.group(2))).as("code %s listed twice", m.group(1)).isNull();
    }
    return codes;
  }

  /** The meaning a README row starts with: up to a colon or a parenthesis, without a leading "the". */
  static String firstClause(String meaning) {
    String clause = meaning.split(": | \\(", 2)[0].strip();
    return clause.startsWith("the ") ? clause.substring(4) : clause;
  }

  @Test
  void codes_matchTheDocumentedTable() throws IOException {
    Map<Integer, String> documented = documentedExitCodes();
    assertThat(documented.keySet()).as("codes in README.md's table")
        .containsExactlyInAnyOrderElementsOf(Arrays.stream(ExitCode.values()).map(ExitCode::code).toList());
    for (ExitCode code : ExitCode.values()) {
      assertThat(firstClause(documented.get(code.code()))).as("README.md's meaning of exit code %d", code.code())
          .isEqualTo(code.meaning());
    }
  }

  private static String[] run(String... args) {
    return io.sparktrain.testing.Cli.run(args);
  }


  @Test
  void main_unknownConfigKey_oneLineWithSuggestion() {
    String[] r = run("train", "--config", "conf/fashion-mnist-sample.conf", "--set", "train.epoch=3");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2].strip().lines()).hasSize(1);
    assertThat(r[2]).contains("did you mean train.epochs?");
  }

  @Test
  void main_verbose_printsStackTrace() {
    String[] r = run("train", "--config", "conf/fashion-mnist-sample.conf", "--set", "train.epoch=3", "--verbose");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("at io.sparktrain.config.ConfigLoader");
  }

  @Test
  void main_dryRun_validatesWithoutSpark() {
    String[] r = run("train", "--config", "conf/fashion-mnist-sample.conf", "--dry-run", "--output", "x");
    assertThat(r[0]).isEqualTo("0");
    assertThat(r[1]).contains("dry run: job fashion-mnist-sample is valid").contains("output: x");
  }

  @Test
  void main_config_printsSelfContainedJob() {
    String[] r = run("config", "--config", "conf/fashion-mnist-sample.conf", "--set", "train.epochs=2");
    assertThat(r[0]).isEqualTo("0");
    assertThat(r[1]).contains("epochs=\"2\"").contains("filters=20").doesNotContain("include");
  }

  @Test
  void main_badUiUrl_exit2() {
    String[] r = run("train", "--config", "conf/fashion-mnist-sample.conf", "--ui-url", "ftp:/x", "--dry-run");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("--ui-url: expected the address of a DL4J UI server such as http://host:9000");
  }

  @Test
  void main_help_listsTrain() {
    String[] r = run("--help");
    assertThat(r[0]).isEqualTo("0");
    assertThat(r[1]).contains("train").contains("Exit codes");
  }

  @Test
  void main_unknownOption_exit2WithUsage() {
    String[] r = run("train", "--config", "conf/fashion-mnist-sample.conf", "--bogus");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("Usage:").contains("error: Unknown option: '--bogus' (exit code 2: bad config or arguments)");
  }

  @Test
  void main_badConfigValue_exit2NamingKeyBeforeSparkStarts() {
    String[] r = run("train", "--config", "conf/fashion-mnist-sample.conf", "--set", "train.epochs=-1");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2].strip()).isEqualTo("error: train.epochs: must be between 1 and 100000, found -1 (--set)"
        + " (exit code 2: bad config or arguments)");
  }

  @Test
  void outOfMemory_namesTheSettingToRaise() {
    assertThat(Main.outOfMemory(new OutOfMemoryError("Java heap space"), 4L << 30)).isEqualTo("the driver ran out of"
        + " memory (Java heap space, heap 4096 MiB): raise spark.driver.memory (SPARKTRAIN_DRIVER_MEMORY for"
        + " bin/sparktrain)");
    assertThat(Main.outOfMemory(new OutOfMemoryError("Physical memory usage is too high"), 1L << 30))
        .startsWith("the driver ran out of off-heap memory").contains("SPARKTRAIN_OFFHEAP");
  }

  @Test
  void message_masksSecretsInFailures() {
    assertThat(ExitCode.message(new IllegalArgumentException("Wrong FS: s3a://AKIA:secretpw@bucket/x")))
        .isEqualTo("java.lang.IllegalArgumentException: Wrong FS: s3a://******@bucket/x");
    assertThat(ExitCode.message(new io.sparktrain.data.DataException("s3a://AKIA:secretpw@bucket/x: no such file")))
        .isEqualTo("s3a://******@bucket/x: no such file");
  }

  @Test
  void executorOutOfMemory_oneLineNamingTheSetting() {
    Exception failure = new RuntimeException("Job aborted due to stage failure: Task 3 in stage 2.0 failed 4 times, most"
        + " recent failure: Lost task 3.3 (TID 9) (10.0.0.7 executor 2): java.lang.OutOfMemoryError: Java heap space\n"
        + "\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)");
    ExitCode.Outcome o = ExitCode.outcome(failure, java.util.Optional.empty());
    assertThat(o.code()).isEqualTo(ExitCode.FAILURE);
    assertThat(o.message()).isEqualTo("a task ran out of memory on an executor (java.lang.OutOfMemoryError: Java heap"
        + " space): raise spark.executor.memory (in local mode the executors run in the driver's JVM:"
        + " SPARKTRAIN_DRIVER_MEMORY for bin/sparktrain), or lower train.batchSizePerWorker");
  }
}
