package io.mishbench.results;

import java.util.List;

/** RFC 4180 CSV lines: fields with a comma, quote or line break are quoted; null is an empty field. */
public final class Csv {

  private Csv() {}

  /** One line, ending in {@code \n}. */
  public static String line(List<?> fields) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(field(fields.get(i)));
    }
    return sb.append('\n').toString();
  }

  /** One field; numbers as {@link String#valueOf}, which reads back to the same value. */
  static String field(Object value) {
    if (value == null) {
      return "";
    }
    String s = String.valueOf(value);
    return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")
        ? "\"" + s.replace("\"", "\"\"") + "\""
        : s;
  }
}
