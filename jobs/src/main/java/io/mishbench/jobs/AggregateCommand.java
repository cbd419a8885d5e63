package io.mishbench.jobs;

import io.mishbench.fs.HadoopFiles;
import io.mishbench.results.Aggregate;
import io.mishbench.results.Aggregator;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "aggregate", mixinStandardHelpOptions = true,
    description = "Builds the comparison table (rows model + augmentation, top-1/top-5 per activation, mean ± std"
        + " (seeds)), the paired Mish differences, plots, the flat runs/epochs tables (CSV, Parquet) and report.html"
        + " from a results store; prints the tables, warnings and the files written.")
final class AggregateCommand implements Callable<Integer> {

  @Option(names = "--results", required = true, description = "Results store root (path or URI).")
  String results;

  @Option(names = "--output", required = true, description = "Folder to write into (path or URI), created if absent.")
  String output;

  @Option(names = "--paper", description = "Also write paper-comparison.md: the paper's published top-1/top-5 beside"
      + " the measured ones.")
  boolean paper;

  @Override
  public Integer call() throws Exception {
    var out = HadoopFiles.resolve(output);
    Aggregate a = Aggregator.aggregate(HadoopFiles.resolve(results), out, new Configuration(), paper);
    System.out.println("Validation accuracy (%), top-1 and top-5, mean ± std (seeds); best activation in bold:");
    System.out.println();
    System.out.print(a.table().toMarkdown());
    System.out.println();
    System.out.println("Paired top-1 differences (percentage points), Mish − baseline, 95% CI from Student's t:");
    System.out.println();
    System.out.print(a.differences().toMarkdown());
    if (a.paperMarkdown() != null) {
      System.out.println();
      System.out.print(a.paperMarkdown());
    }
    for (String w : a.warnings()) {
      System.err.println("aggregate: warning: " + w);
    }
    System.out.println();
    System.out.println("aggregate: wrote to " + out + ": " + String.join(", ", a.files()));
    return 0;
  }
}
