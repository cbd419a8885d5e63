package io.mishbench.results;

import java.util.List;

/**
 * RFC 4180 CSV lines: fields with a comma, quote or line break are quoted; null is an empty field. A
 * text field (not a number) that a spreadsheet would run as a formula, one starting with {@code =},
 * {@code +}, {@code -}, {@code @}, a tab or a carriage return (a model or preset name, an error message
 * from a run record), gets a leading {@code '}, so opening the file never evaluates it.
 */
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
    if (!(value instanceof Number) && !s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0 && !numeric(s)) {
      s = "'" + s;
    }
    return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")
        ? "\"" + s.replace("\"", "\"\"") + "\""
        : s;
  }

  private static boolean numeric(String s) {
    try {
      Double.parseDouble(s);
      return !s.endsWith("d") && !s.endsWith("f") && !s.endsWith("D") && !s.endsWith("F");
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
