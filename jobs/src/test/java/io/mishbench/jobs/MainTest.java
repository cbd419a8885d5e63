package io.mishbench.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.results.ResultsStore;
import io.mishbench.results.RunResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Every subcommand's --help, and the exit codes of bad input (all before Spark would start). */
class MainTest {

  @TempDir Path dir;

  /** Exit code and stderr of one command. */
  record Outcome(int code, String out, String err) {}

  static Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Outcome(code, out.toString(), err.toString());
  }

  static Stream<String> commands() {
    return Stream.of("synth", "import-fashion-mnist", "prepare", "train", "benchmark", "robustness", "aggregate", "models",
        "activations", "bench-train", "bench-activations", "bench-grouped-conv", "bench-data", "bench-fit", "bench-cost-model",
        "landscape");
  }

  @ParameterizedTest
  @MethodSource("commands")
  void everyCommandHasHelp(String command) {
    Outcome o = run(command, "--help");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("Usage: mishbench " + command), o.out());
    if (command.equals("prepare")) {
      assertTrue(o.out().contains("--val-labels") && o.out().contains("--class-index"), o.out());
    }
  }

  @Test
  void anIllegalArgumentFromInsideTheLibrariesIsAFailureNotBadInput() throws Exception {
    IllegalArgumentException ours = new IllegalArgumentException("--batch must be >= 1");
    ours.setStackTrace(new StackTraceElement[] {
        new StackTraceElement("java.util.Objects", "checkIndex", "Objects.java", 1),
        new StackTraceElement("io.mishbench.jobs.BenchTrainCommand", "call", "BenchTrainCommand.java", 2)});
    assertTrue(Main.badInput(ours));
    IllegalArgumentException dl4j = new IllegalArgumentException("Invalid input: expected rank 4");
    dl4j.setStackTrace(new StackTraceElement[] {
        new StackTraceElement("org.nd4j.common.base.Preconditions", "throwEx", "Preconditions.java", 1),
        new StackTraceElement("org.deeplearning4j.nn.layers.convolution.ConvolutionLayer", "preOutput", "C.java", 2),
        new StackTraceElement("io.mishbench.train.SparkTrainer", "run", "SparkTrainer.java", 3)});
    assertFalse(Main.badInput(dl4j));
    assertFalse(Main.badInput(new IllegalStateException("x")));

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
    int code = cl.getExecutionExceptionHandler().handleExecutionException(dl4j, cl, null);
    assertEquals(Main.FAILED, code);
    assertTrue(err.toString().contains("failed: java.lang.IllegalArgumentException: Invalid input")
        && err.toString().contains("at org.deeplearning4j"), err.toString());
  }

  @Test
  void topLevelHelpListsEveryCommand() {
    Outcome o = run("--help");
    assertEquals(0, o.code());
    commands().forEach(c -> assertTrue(o.out().contains(c), c + " missing from:\n" + o.out()));
  }

  @Test
  void noCommandAndUnknownOptionsAreUsageErrors() {
    assertEquals(Main.BAD_INPUT, run().code());
    assertEquals(Main.BAD_INPUT, run("train", "--no-such-option").code());
    assertEquals(Main.BAD_INPUT, run("frobnicate").code());
  }

  @Test
  void missingDatasetPathIsBadInput() {
    Outcome o = run("prepare", "--input", dir.resolve("missing").toString(), "--output", dir.resolve("out").toString());
    assertEquals(Main.BAD_INPUT, o.code());
    assertTrue(o.err().contains("dataset path does not exist"), o.err());
    assertTrue(o.err().lines().count() == 1, "one clear message, no stack trace:\n" + o.err());
  }

  @Test
  void emptyDatasetAndAClassMissingFromTheClassIndexAreBadInput() throws Exception {
    Files.createDirectories(dir.resolve("empty/train"));
    Files.createDirectories(dir.resolve("empty/val"));
    Outcome empty = run("prepare", "--input", dir.resolve("empty").toString(), "--output", dir.resolve("o").toString());
    assertEquals(Main.BAD_INPUT, empty.code());
    assertTrue(empty.err().contains("is empty"), empty.err());

    assertEquals(0, run("synth", "--output", dir.resolve("raw").toString(), "--classes", "2", "--per-class", "2", "--size", "8").code());
    Path index = Files.writeString(dir.resolve("classes.txt"), "class-000\n");
    Outcome notInIndex = run("prepare", "--input", dir.resolve("raw").toString(), "--output", dir.resolve("o").toString(),
        "--class-index", index.toString());
    assertEquals(Main.BAD_INPUT, notInIndex.code());
    assertTrue(notInIndex.err().contains("train class 'class-001' is not in the class index"), notInIndex.err());

    Outcome noLabels = run("prepare", "--input", dir.resolve("raw").toString(), "--output", dir.resolve("o").toString(),
        "--val-labels", dir.resolve("no-such.csv").toString());
    assertEquals(Main.BAD_INPUT, noLabels.code());
    assertTrue(noLabels.err().contains("val labels file does not exist"), noLabels.err());
  }

  static Stream<org.junit.jupiter.params.provider.Arguments> unresolvableConfigs() {
    List<org.junit.jupiter.params.provider.Arguments> cases = new java.util.ArrayList<>();
    for (String command : List.of("train", "benchmark", "robustness", "landscape")) {
      cases.add(org.junit.jupiter.params.provider.Arguments.of(command, "training { epochs = ${NOPE} }\n",
          "training.epochs: ${NOPE} is not set"));
      cases.add(org.junit.jupiter.params.provider.Arguments.of(command, "landscape { seed = ${nope.nope} }\n",
          "landscape.seed: ${nope.nope} is not set"));
      cases.add(org.junit.jupiter.params.provider.Arguments.of(command,
          "results = ${MISHBENCH_SURELY_UNSET_VARIABLE}\n", "results: ${MISHBENCH_SURELY_UNSET_VARIABLE} is not set"));
      cases.add(org.junit.jupiter.params.provider.Arguments.of(command, "include \"missing-part.conf\"\n",
          "missing-part.conf"));
    }
    return cases.stream();
  }

  @ParameterizedTest
  @MethodSource("unresolvableConfigs")
  void unresolvedSubstitutionsUnsetVariablesAndMissingIncludesAreBadInputNamingTheKey(
      String command, String text, String expected) throws Exception {
    Path cfg = dir.resolve("exp.conf");
    Files.writeString(cfg, text);
    Outcome o = run(command, "--config", cfg.toString());
    assertEquals(Main.BAD_INPUT, o.code(), o.err());
    assertTrue(o.err().contains(expected), o.err());
    assertTrue(o.err().lines().count() <= 3, "a message, not a stack trace: " + o.err());
  }

  @Test
  void configProblemsAreBadInputBeforeAnyTraining() throws Exception {
    Path cfg = dir.resolve("exp.conf");
    Files.writeString(cfg, "dataset = \"" + dir.resolve("prepared") + "\"\nresults = \"" + dir.resolve("r") + "\"\n");

    Outcome typo = run("train", "--config", cfg.toString(), "--set", "trainng.epochs=2");
    assertEquals(Main.BAD_INPUT, typo.code());
    assertTrue(typo.err().contains("trainng.epochs: unknown key"), typo.err());

    Outcome model = run("benchmark", "--config", cfg.toString(), "--set", "grid.models=[resnet20, vgg99]");
    assertEquals(Main.BAD_INPUT, model.code());
    assertTrue(model.err().contains("unknown model 'vgg99'"), model.err());

    Outcome act = run("train", "--config", cfg.toString(), "--set", "activation=gelu");
    assertEquals(Main.BAD_INPUT, act.code());
    assertTrue(act.err().contains("unknown activation 'gelu'"), act.err());

    Outcome batch = run("train", "--config", cfg.toString(), "--set", "training.batch-size-per-worker=0");
    assertEquals(Main.BAD_INPUT, batch.code());
    assertTrue(batch.err().contains("training.batch-size-per-worker: must be in [1, 65536], got 0"), batch.err());

    Outcome notPrepared = run("train", "--config", cfg.toString());
    assertEquals(Main.BAD_INPUT, notPrepared.code());
    assertTrue(notPrepared.err().contains("run 'prepare' first"), notPrepared.err());

    Outcome noFile = run("train", "--config", dir.resolve("nope.conf").toString());
    assertEquals(Main.BAD_INPUT, noFile.code());
    assertTrue(noFile.err().contains("config file not found"), noFile.err());
    assertTrue(!Files.exists(dir.resolve("r")), "nothing is written for a run that never started");
  }

  @Test
  void configUrisThatCannotBeReadAreBadInput() throws Exception {
    Outcome missingUri = run("benchmark", "--config", dir.resolve("nope.conf").toUri().toString());
    assertEquals(Main.BAD_INPUT, missingUri.code());
    assertTrue(missingUri.err().contains("config file not found: file:"), missingUri.err());

    Outcome noFs = run("train", "--config", "nosuchfs://cluster/exp.conf");
    assertEquals(Main.BAD_INPUT, noFs.code());
    assertTrue(noFs.err().contains("cannot read config nosuchfs://cluster/exp.conf"), noFs.err());
    assertTrue(noFs.err().contains("No FileSystem for scheme"), noFs.err());

    Outcome folder = run("robustness", "--config", dir.toString());
    assertEquals(Main.BAD_INPUT, folder.code());
    assertTrue(folder.err().contains("config is not a file"), folder.err());
    assertTrue(!folder.err().contains("\tat "), "one line, not a stack trace:\n" + folder.err());
  }

  @Test
  void aggregateWithoutRunsIsBadInput() {
    Outcome o = run("aggregate", "--results", dir.resolve("none").toString(), "--output", dir.resolve("t").toString());
    assertEquals(Main.BAD_INPUT, o.code());
    assertTrue(o.err().contains("no complete runs"), o.err());
  }

  @Test
  void aggregatePrintsTablesWarningsAndFilesWithPaperNumbers() throws Exception {
    ResultsStore store = new ResultsStore(dir.resolve("store").toUri(), new Configuration());
    store.write(RunResult.of("a", RunResult.Status.COMPLETE, "cspresnet50", "mish", "paper", 1, 0.70, 0.90));
    store.write(RunResult.of("b", RunResult.Status.COMPLETE, "cspresnet50", "leakyrelu", "paper", 1, 0.68, 0.89));
    store.write(RunResult.of("c", RunResult.Status.FAILED, "cspresnet50", "swish", "paper", 1, null, null));
    Outcome o = run("aggregate", "--results", dir.resolve("store").toString(), "--output", dir.resolve("t").toString(),
        "--paper");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("| cspresnet50 | paper | 68.0 (1) | 89.0 (1) | **70.0 (1)** | 90.0 (1) |"), o.out());
    assertTrue(o.out().contains("| cspresnet50 | paper | Mish − LReLU | 1 | +2.00 | - |"), o.out());
    assertTrue(o.out().contains("| cspresnet50 | paper | Mish | paper | 78.1 | 70.0 (1) | 94.2 | 90.0 (1) |"), o.out());
    assertTrue(o.out().contains("paper-comparison.md") && o.out().contains("report.html"), o.out());
    assertTrue(o.err().contains("aggregate: warning: run c is FAILED"), o.err());
    assertTrue(Files.exists(dir.resolve("t/paper-comparison.md")));
  }

  @Test
  void fashionMnistImportNamesTheMissingFile() throws Exception {
    Files.createDirectories(dir.resolve("idx"));
    Outcome o = run("import-fashion-mnist", "--idx-dir", dir.resolve("idx").toString(), "--output", dir.resolve("o").toString());
    assertEquals(Main.BAD_INPUT, o.code());
    assertTrue(o.err().contains("missing Fashion-MNIST file train-images-idx3-ubyte"), o.err());
  }
}
