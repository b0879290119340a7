package io.sparktrain.config;

/**
 * How CSV files are read.
 *
 * @param header whether the first line of each file holds column names
 * @param delimiter the one-character field separator
 * @param label the label column: a column name, or a 0-based index ({@code -1}: the last column)
 */
public record CsvOptions(boolean header, char delimiter, String label) {
  public CsvOptions {
    Check.notBlank("data.csv.label", label, "a column name or a 0-based column index");
    Check.that(header || index(label) != null, "data.csv.label",
        "'" + label + "' is a column name, but data.csv.header = false; give a 0-based column index");
    Check.that(delimiter != '"' && delimiter != '\n' && delimiter != '\r', "data.csv.delimiter",
        "must not be a quote or a line break, found '" + delimiter + "'");
  }

  /** The label column's index when {@code label} is a number, else null (a column name). */
  public Integer labelIndex() {
    return index(label);
  }

  private static Integer index(String label) {
    try {
      int index = Integer.parseInt(label.trim());
      Check.that(index >= -1, "data.csv.label", "a column index must be 0 or more, or -1 for the last column, found " + index);
      return index;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
