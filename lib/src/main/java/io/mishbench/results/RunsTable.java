package io.mishbench.results;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The flat table of runs for notebooks ({@code runs.csv}, {@code runs.parquet}): one row per run of
 * any status, one typed column per {@link #COLUMNS} entry. Accuracies are fractions in [0, 1] as in
 * run.json, times in seconds; an absent value is null (an empty CSV field, a missing Parquet value).
 */
public final class RunsTable {

  /** A column's value type: text, a 64-bit integer or a double. */
  public enum Type {
    STRING,
    LONG,
    DOUBLE
  }

  /** A column: its name, type and how a run gives its value (possibly null). */
  public record Column(String name, Type type, Function<RunResult, Object> value) {

    /** The value of {@code r} converted to this column's type (String, Long or Double), or null. */
    public Object of(RunResult r) {
      return convert(value.apply(r), type, name);
    }
  }

  /** The columns, in order. */
  public static final List<Column> COLUMNS = List.of(
      new Column("run_id", Type.STRING, RunResult::runId),
      new Column("status", Type.STRING, RunResult::status),
      new Column("model", Type.STRING, RunResult::model),
      new Column("activation", Type.STRING, RunResult::activation),
      new Column("augmentation", Type.STRING, RunResult::augmentation),
      new Column("seed", Type.LONG, RunResult::seed),
      new Column("epochs", Type.LONG, r -> r.epochs() == null ? 0 : r.epochs().size()),
      new Column("top1", Type.DOUBLE, RunResult::top1),
      new Column("top5", Type.DOUBLE, RunResult::top5),
      new Column("loss", Type.DOUBLE, RunResult::loss),
      new Column("wall_seconds", Type.DOUBLE, RunResult::wallSeconds),
      new Column("images_per_second", Type.DOUBLE, RunResult::imagesPerSecond),
      new Column("target_top1", Type.DOUBLE, RunResult::targetTop1),
      new Column("seconds_to_target", Type.DOUBLE, RunResult::secondsToTarget),
      new Column("epoch_to_target", Type.LONG, RunResult::epochToTarget),
      new Column("diverged_epoch", Type.LONG, r -> r.divergence() == null ? null : r.divergence().epoch()),
      new Column("diverged_step", Type.LONG, r -> r.divergence() == null ? null : r.divergence().step()),
      new Column("started_at", Type.STRING, RunResult::startedAt),
      new Column("finished_at", Type.STRING, RunResult::finishedAt),
      new Column("git_commit", Type.STRING, r -> r.provenance() == null ? null : r.provenance().get("git.commit")),
      config("width", Type.DOUBLE, "width"),
      config("depth", Type.DOUBLE, "depth"),
      config("resolution", Type.LONG, "resolution"),
      config("optimizer", Type.STRING, "training.optimizer"),
      config("learning_rate", Type.DOUBLE, "training.learning-rate"),
      config("batch_size_per_worker", Type.LONG, "training.batch-size-per-worker"),
      config("workers", Type.LONG, "training.workers"));

  private RunsTable() {}

  /** runs.csv: a header of column names, then one line per run. */
  public static String toCsv(List<RunResult> runs) {
    StringBuilder sb = new StringBuilder(Csv.line(COLUMNS.stream().map(Column::name).toList()));
    for (RunResult r : runs) {
      List<Object> line = new ArrayList<>();
      for (Column c : COLUMNS) {
        line.add(c.of(r));
      }
      sb.append(Csv.line(line));
    }
    return sb.toString();
  }

  private static Column config(String name, Type type, String key) {
    return new Column(name, type, r -> {
      Map<String, Object> config = r.config();
      return config == null ? null : config.get(key);
    });
  }

  /**
   * {@code v} as {@code type}: numbers and numeric text become Long or Double, anything else text.
   *
   * @throws IllegalArgumentException when a numeric column holds text that is not a number
   */
  static Object convert(Object v, Type type, String column) {
    if (v == null) {
      return null;
    }
    try {
      return switch (type) {
        case STRING -> String.valueOf(v);
        case LONG -> v instanceof Number n ? Long.valueOf(n.longValue()) : Long.valueOf(String.valueOf(v).trim());
        case DOUBLE -> v instanceof Number n ? Double.valueOf(n.doubleValue()) : Double.valueOf(String.valueOf(v).trim());
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("column " + column + " needs a number, got '" + v + "'", e);
    }
  }
}
