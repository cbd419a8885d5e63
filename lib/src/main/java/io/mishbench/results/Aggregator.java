package io.mishbench.results;

import io.mishbench.fs.HadoopFiles;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** The {@code aggregate} step: results store to comparison.md and comparison.csv. */
public final class Aggregator {

  public static final String MARKDOWN = "comparison.md";
  public static final String CSV = "comparison.csv";

  private Aggregator() {}

  /**
   * Reads every run under {@code results} and writes the table to {@code output}.
   *
   * @throws IllegalArgumentException when no run under {@code results} is complete
   */
  public static ComparisonTable aggregate(URI results, URI output, Configuration conf) throws IOException {
    List<RunResult> runs = new ResultsStore(results, conf).list();
    ComparisonTable table = ComparisonTable.of(runs);
    if (table.rowCount() == 0) {
      throw new IllegalArgumentException(
          "no complete runs under " + results + " (" + runs.size() + " run records found)");
    }
    HadoopFiles.fs(output, conf).mkdirs(new Path(output));
    HadoopFiles.writeText(HadoopFiles.child(output, MARKDOWN), table.toMarkdown(), conf);
    HadoopFiles.writeText(HadoopFiles.child(output, CSV), table.toCsv(), conf);
    return table;
  }
}
