package io.mishbench.jobs;

import org.apache.hadoop.conf.Configuration;
import io.mishbench.fs.HadoopFiles;
import io.mishbench.fs.StoreProbe;
import io.mishbench.results.Aggregate;
import io.mishbench.results.Aggregator;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "aggregate", mixinStandardHelpOptions = true,
    description = "Builds the comparison table (rows model + augmentation, top-1/top-5 per activation, mean ± std"
        + " (seeds)), the paired Mish differences, plots, the flat runs/epochs tables (CSV, Parquet) and report.html"
        + " from a results store; prints the tables, warnings and the files written.")
final class AggregateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--results", required = true, description = "Results store root (path or URI).")
  String results;

  @Option(names = "--output", required = true, description = "Folder to write into (path or URI), created if absent.")
  String output;

  @Option(names = "--paper", description = "Also write paper-comparison.md: the paper's published top-1/top-5 beside"
      + " the measured ones.")
  boolean paper;

  @Override
  public Integer call() throws Exception {
    var target = HadoopFiles.resolve(output);
    Configuration conf = HadoopFiles.configuration();
    StoreProbe.check(conf, HadoopFiles.resolve(results), target);
    Aggregate a = Aggregator.aggregate(HadoopFiles.resolve(results), target, conf, paper);
    PrintWriter out = spec.commandLine().getOut();
    out.println("Validation accuracy (%), top-1 and top-5, mean ± std (seeds); top-1 of the best activation in bold:");
    out.println();
    out.print(a.table().toMarkdown());
    out.println();
    out.println("Paired top-1 differences (percentage points), Mish − baseline, 95% CI from Student's t:");
    out.println();
    out.print(a.differences().toMarkdown());
    if (a.paperMarkdown() != null) {
      out.println();
      out.print(a.paperMarkdown());
    }
    for (String w : a.warnings()) {
      spec.commandLine().getErr().println("aggregate: warning: " + w);
    }
    out.println();
    out.println("aggregate: wrote to " + target + ": " + String.join(", ", a.files()));
    out.flush();
    return 0;
  }
}
