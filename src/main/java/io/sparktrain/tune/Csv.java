package io.sparktrain.tune;

import java.util.ArrayList;
import java.util.List;

/** RFC 4180 fields: quoted when they hold a comma, a quote or a line break. */
final class Csv {
  private Csv() {}

  static String field(String s) {
    if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }

  static String row(List<String> fields) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(field(fields.get(i)));
    }
    return b.append('\n').toString();
  }

  /** The rows of a CSV text (fields may be quoted and hold line breaks). */
  static List<List<String>> parse(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          f.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          f.append(c);
        }
      } else if (c == '"') {
        quoted = true;
        any = true;
      } else if (c == ',') {
        row.add(f.toString());
        f.setLength(0);
        any = true;
      } else if (c == '\n') {
        row.add(f.toString());
        rows.add(row);
        row = new ArrayList<>();
        f.setLength(0);
        any = false;
      } else if (c != '\r') {
        f.append(c);
        any = true;
      }
    }
    if (any || f.length() > 0) {
      row.add(f.toString());
      rows.add(row);
    }
    return rows;
  }

  static String number(double v) {
    return Double.isNaN(v) ? "" : Double.toString(v);
  }

  static double number(String s) {
    return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
  }
}
