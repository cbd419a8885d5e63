package io.mishbench.jobs;

import io.mishbench.fs.HadoopFiles;
import io.mishbench.results.Aggregator;
import io.mishbench.results.ComparisonTable;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "aggregate", mixinStandardHelpOptions = true,
    description = "Builds the comparison table (rows model + augmentation, top-1/top-5 per activation) from a results"
        + " store; writes comparison.md and comparison.csv and prints the Markdown.")
final class AggregateCommand implements Callable<Integer> {

  @Option(names = "--results", required = true, description = "Results store root (path or URI).")
  String results;

  @Option(names = "--output", required = true, description = "Folder for comparison.md and comparison.csv.")
  String output;

  @Override
  public Integer call() throws Exception {
    var out = HadoopFiles.resolve(output);
    ComparisonTable t = Aggregator.aggregate(HadoopFiles.resolve(results), out, new Configuration());
    System.out.println("Validation accuracy (%), top-1 and top-5:");
    System.out.println();
    System.out.print(t.toMarkdown());
    System.out.println();
    System.out.println("aggregate: wrote " + Aggregator.MARKDOWN + " and " + Aggregator.CSV + " to " + out);
    return 0;
  }
}
