package io.mishbench.results;

import java.util.List;

/**
 * A small table of text cells, some bold, rendered as GitHub Markdown, an HTML {@code <table>} or a
 * LaTeX {@code tabular}. The first {@code textColumns} columns are left-aligned labels, the others
 * right-aligned numbers.
 *
 * @param header column titles
 * @param textColumns how many leading columns are labels
 * @param rows cells, each row as long as {@code header}
 */
public record TextTable(List<String> header, int textColumns, List<List<Cell>> rows) {

  /** One cell: its text and whether it is emphasised (bold). */
  public record Cell(String text, boolean bold) {

    public static Cell of(String text) {
      return new Cell(text, false);
    }
  }

  public TextTable {
    header = List.copyOf(header);
    rows = List.copyOf(rows);
    for (List<Cell> row : rows) {
      if (row.size() != header.size()) {
        throw new IllegalArgumentException(
            "a row has " + row.size() + " cells but the header has " + header.size() + " columns: " + row);
      }
    }
  }

  /** GitHub-flavoured Markdown, bold as {@code **text**}. */
  public String toMarkdown() {
    StringBuilder sb = new StringBuilder("|");
    StringBuilder rule = new StringBuilder("|");
    for (int i = 0; i < header.size(); i++) {
      sb.append(' ').append(md(header.get(i))).append(" |");
      rule.append(i < textColumns ? " --- |" : " ---: |");
    }
    sb.append('\n').append(rule).append('\n');
    for (List<Cell> row : rows) {
      sb.append('|');
      for (Cell c : row) {
        sb.append(' ').append(c.bold() ? "**" + md(c.text()) + "**" : md(c.text())).append(" |");
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** An HTML {@code <table>}, bold as {@code <strong>}, text escaped. */
  public String toHtml() {
    StringBuilder sb = new StringBuilder("<table>\n<thead><tr>");
    for (int i = 0; i < header.size(); i++) {
      sb.append(i < textColumns ? "<th>" : "<th class=\"num\">").append(html(header.get(i))).append("</th>");
    }
    sb.append("</tr></thead>\n<tbody>\n");
    for (List<Cell> row : rows) {
      sb.append("<tr>");
      for (int i = 0; i < row.size(); i++) {
        Cell c = row.get(i);
        String text = c.bold() ? "<strong>" + html(c.text()) + "</strong>" : html(c.text());
        sb.append(i < textColumns ? "<td>" : "<td class=\"num\">").append(text).append("</td>");
      }
      sb.append("</tr>\n");
    }
    return sb.append("</tbody>\n</table>\n").toString();
  }

  /**
   * A plain LaTeX {@code tabular} (no packages needed), bold as {@code \textbf}, special characters
   * escaped and {@code ±} written as {@code $\pm$}; meant to be {@code \input} into a document.
   */
  public String toLatex() {
    StringBuilder sb = new StringBuilder("\\begin{tabular}{")
        .append("l".repeat(textColumns)).append("r".repeat(header.size() - textColumns)).append("}\n\\hline\n");
    sb.append(String.join(" & ", header.stream().map(TextTable::latex).toList())).append(" \\\\\n\\hline\n");
    for (List<Cell> row : rows) {
      sb.append(String.join(" & ",
          row.stream().map(c -> c.bold() ? "\\textbf{" + latex(c.text()) + "}" : latex(c.text())).toList()));
      sb.append(" \\\\\n");
    }
    return sb.append("\\hline\n\\end{tabular}\n").toString();
  }

  private static String md(String s) {
    return s.replace("|", "\\|");
  }

  /** Escapes text for HTML element content and attribute values. */
  static String html(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /** Escapes the LaTeX special characters; {@code ±} becomes {@code $\pm$}. */
  static String latex(String s) {
    StringBuilder sb = new StringBuilder();
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '\\' -> sb.append("\\textbackslash{}");
        case '&', '%', '$', '#', '_', '{', '}' -> sb.append('\\').append(ch);
        case '~' -> sb.append("\\textasciitilde{}");
        case '^' -> sb.append("\\textasciicircum{}");
        case '±' -> sb.append("$\\pm$");
        case '−' -> sb.append("$-$");
        default -> sb.append(ch);
      }
    }
    return sb.toString();
  }
}
