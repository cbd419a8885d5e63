package io.mishbench.jobs;

import io.mishbench.train.Nd4jBinary;
import java.io.PrintWriter;
import org.apache.spark.SparkUserAppException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code mishbench <command> [options]}: the job jar's entry point, run by spark-submit (or the
 * launcher in submit-scripts). Exit codes: 0 success, 1 a failure while working, 2 bad input (usage,
 * config, dataset) reported before any work started.
 */
@Command(
    name = "mishbench",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Compares Mish, Swish and LeakyReLU by training networks with DL4J parameter averaging on Spark.",
    subcommands = {
      SynthCommand.class,
      ImportFashionMnistCommand.class,
      PrepareCommand.class,
      TrainCommand.class,
      BenchmarkCommand.class,
      RobustnessCommand.class,
      AggregateCommand.class,
      ModelsCommand.class,
      ActivationsCommand.class,
      BenchTrainCommand.class,
      BenchActivationsCommand.class,
      BenchGroupedConvCommand.class,
      BenchDataCommand.class,
      BenchFitCommand.class,
      BenchCostModelCommand.class,
      LandscapeCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  /** Exit code of a failure while working. */
  public static final int FAILED = 1;

  /** Exit code of bad input found before any work started. */
  public static final int BAD_INPUT = 2;

  static {
    // before anything loads ND4J: a binary this CPU can run (see Nd4jBinary)
    Nd4jBinary.selectForThisCpu();
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  public static void main(String[] args) throws SparkUserAppException {
    int code = run(args);
    if (inYarnApplicationMaster()) {
      // YARN cluster mode: the driver is a thread of Spark's ApplicationMaster, which records an
      // application whose main called System.exit as FAILED (exit code 16, "Shutdown hook called before
      // final status was reported") even for 0. Return, or hand the code over as Spark's own exception.
      if (code != 0) {
        throw new SparkUserAppException(code);
      }
      return;
    }
    System.exit(code);
  }

  /** Whether this JVM is a YARN ApplicationMaster running the driver (spark-submit --deploy-mode cluster). */
  static boolean inYarnApplicationMaster() {
    return System.getProperty("spark.master", "").startsWith("yarn")
        && "cluster".equals(System.getProperty("spark.submit.deployMode"));
  }

  /** Runs one command and returns its exit code (never calls System.exit). */
  public static int run(String... args) {
    return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
  }

  /**
   * Whether {@code e} is bad input: an {@link IllegalArgumentException} that mishbench's own code threw
   * (its first frame outside the JDK and the config library is in {@code io.mishbench}), i.e. a check of
   * the command's input. One thrown inside DL4J, ND4J, Spark or Hadoop in the middle of the work is a
   * failure like any other, reported with its stack trace.
   */
  static boolean badInput(Throwable e) {
    if (!(e instanceof IllegalArgumentException)) {
      return false;
    }
    for (StackTraceElement f : e.getStackTrace()) {
      String c = f.getClassName();
      if (c.startsWith("java.") || c.startsWith("javax.") || c.startsWith("jdk.") || c.startsWith("sun.")
          || c.startsWith("com.typesafe.config.")) {
        continue;
      }
      return c.startsWith("io.mishbench.");
    }
    return true;
  }

  /** The configured command line, writing to {@code out} and {@code err}. */
  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          Throwable cause = e;
          if (badInput(cause)) {
            commandLine.getErr().println("mishbench " + commandLine.getCommandName() + ": error: " + cause.getMessage());
            return BAD_INPUT;
          }
          commandLine.getErr().println("mishbench " + commandLine.getCommandName() + ": failed: " + cause);
          cause.printStackTrace(commandLine.getErr());
          return FAILED;
        });
    return cl;
  }
}
