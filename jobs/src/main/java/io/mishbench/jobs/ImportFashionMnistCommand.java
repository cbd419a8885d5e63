package io.mishbench.jobs;

import io.mishbench.data.FashionMnistImporter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "import-fashion-mnist", mixinStandardHelpOptions = true,
    description = "Converts the Fashion-MNIST IDX files into an ImageNet-style folder of PNGs.")
final class ImportFashionMnistCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--idx-dir", required = true,
      description = "Folder with {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz], e.g. /usr/share/datasets/fashion-mnist.")
  Path idxDir;

  @Option(names = "--output", required = true, description = "Folder to write train/ and val/ into.")
  Path output;

  @Option(names = "--train-per-class", defaultValue = "0", description = "At most this many training images per class (0: all 6000).")
  int trainPerClass;

  @Option(names = "--val-per-class", defaultValue = "0", description = "At most this many validation images per class (0: all 1000).")
  int valPerClass;

  @Override
  public Integer call() throws Exception {
    var r = FashionMnistImporter.importTo(new FashionMnistImporter.Options(idxDir, output, trainPerClass, valPerClass));
    spec.commandLine().getOut().printf("import-fashion-mnist: wrote %d train and %d val images to %s%n", r.train(), r.val(),
        output.toAbsolutePath());
    return 0;
  }
}
