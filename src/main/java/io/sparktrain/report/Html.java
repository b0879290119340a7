package io.sparktrain.report;

/**
 * HTML escaping: every text taken from data or config goes through here before it reaches report.html,
 * with secrets in it masked first ({@link io.sparktrain.config.Redaction#text}).
 */
public final class Html {
  private Html() {}

  public static String esc(Object value) {
    String s = io.sparktrain.config.Redaction.text(String.valueOf(value));
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
