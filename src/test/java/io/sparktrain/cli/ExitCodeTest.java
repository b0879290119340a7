package io.sparktrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.config.ConfigException;
import io.sparktrain.data.DataException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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

  @Test
  void codes_matchTheDocumentedTable() {
    assertThat(ExitCode.values()).extracting(ExitCode::code).containsExactly(0, 1, 2, 3, 4, 5, 6);
  }

  private static String[] run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    try {
      int code = Main.run(args);
      return new String[] {Integer.toString(code), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
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
    assertThat(r[2].strip()).isEqualTo("error: train.epochs: must be between 1 and 100000, found -1"
        + " (exit code 2: bad config or arguments)");
  }
}
