package io.sparktrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.NullConfiguration;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

class RedactingConverterTest {
  @Test
  void layout_masksSecretsInMessageAndStackTrace() {
    Configuration config = new NullConfiguration();
    PatternLayout layout = PatternLayout.newBuilder().withConfiguration(config).withPattern("%redact{%p %m%n%ex}")
        .withAlwaysWriteExceptions(false).build();
    String line = layout.toSerializable(Log4jLogEvent.newBuilder().setLevel(org.apache.logging.log4j.Level.WARN)
        .setMessage(new SimpleMessage("options -Dfs.s3a.secret.key=hunter2 -Xmx1g"))
        .setThrown(new IllegalStateException("cannot open s3a://AKIA1:pw0rd@bucket/x")).build());
    assertThat(line).startsWith("WARN options -Dfs.s3a.secret.key=****** -Xmx1g")
        .contains("IllegalStateException: cannot open s3a://******@bucket/x")
        .contains("at io.sparktrain.cli.RedactingConverterTest")
        .doesNotContain("hunter2").doesNotContain("pw0rd");
  }

  @Test
  void launchersLog4jConfig_wrapsItsWholePatternInRedact_andOtherwiseMatchesTheSparkHomeOne() throws Exception {
    String launcher = Files.readString(Path.of("conf/log4j2-sparktrain.properties"));
    assertThat(launcher).containsPattern("(?m)^appender\\.stderr\\.layout\\.pattern = %redact\\{(.*)\\}$")
        .contains("appender.stderr.layout.alwaysWriteExceptions = false");
    assertThat(Files.readString(Path.of("bin/sparktrain"))).contains("conf/log4j2-sparktrain.properties");
    String sparkHome = Files.readString(Path.of("conf/log4j2.properties"));
    assertThat(settings(sparkHome)).as("no %redact where spark-submit reads it: log4j would take it for %red")
        .doesNotContain("%redact");
    assertThat(settings(launcher).replace("%redact{" + pattern(sparkHome) + "}", pattern(sparkHome))
        .replace("appender.stderr.layout.alwaysWriteExceptions=false\n", "")).isEqualTo(settings(sparkHome));
  }

  private static String pattern(String properties) {
    return properties.lines().filter(l -> l.startsWith("appender.stderr.layout.pattern = ")).findFirst().orElseThrow()
        .substring("appender.stderr.layout.pattern = ".length());
  }

  /** The settings without comments, "key=value" per line. */
  private static String settings(String properties) {
    StringBuilder out = new StringBuilder();
    properties.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
        .forEach(l -> out.append(l.replaceFirst("\\s*=\\s*", "=")).append('\n'));
    return out.toString();
  }
}
