package io.sparktrain.cli;

import io.sparktrain.config.Redaction;
import java.util.List;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.core.pattern.ConverterKeys;
import org.apache.logging.log4j.core.pattern.LogEventPatternConverter;
import org.apache.logging.log4j.core.pattern.PatternConverter;
import org.apache.logging.log4j.core.pattern.PatternFormatter;

/**
 * {@code %redact{PATTERN}} in a log4j2 layout: PATTERN's text (message and stack trace included) with
 * every secret masked by the project's one rule set ({@link Redaction#text}). conf/log4j2.properties
 * wraps its whole pattern in it, with {@code alwaysWriteExceptions = false} so that no stack trace is
 * appended unmasked.
 */
@Plugin(name = "RedactingConverter", category = PatternConverter.CATEGORY)
@ConverterKeys({"redact"})
public final class RedactingConverter extends LogEventPatternConverter {
  private final List<PatternFormatter> formatters;

  private RedactingConverter(List<PatternFormatter> formatters) {
    super("redact", "redact");
    this.formatters = formatters;
  }

  /** Called by log4j with the layout's configuration and the pattern between the braces. */
  public static RedactingConverter newInstance(Configuration config, String[] options) {
    if (options == null || options.length != 1) {
      throw new IllegalArgumentException("%redact takes one pattern: %redact{%d %p %c: %m%n%ex}");
    }
    return new RedactingConverter(PatternLayout.createPatternParser(config).parse(options[0]));
  }

  @Override
  public void format(LogEvent event, StringBuilder toAppendTo) {
    StringBuilder text = new StringBuilder();
    for (PatternFormatter f : formatters) {
      f.format(event, text);
    }
    toAppendTo.append(Redaction.text(text.toString()));
  }

  @Override
  public boolean handlesThrowable() {
    return true;
  }
}
