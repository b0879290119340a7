package io.sparktrain.bench;

import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.data.BatchFiles;
import io.sparktrain.data.Batches;
import io.sparktrain.data.Example;
import io.sparktrain.data.IdxReader;
import io.sparktrain.model.ModelFactory;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One trial of bench/engine-options.sh: the job's network fitted by plain DL4J in one JVM on the first
 * minibatches of its training file, with one engine option changed by a system property (the native build
 * is the class path's). Prints {@code result LABEL examples/s R helper H build B threads T}.
 *
 * <ul>
 *   <li>{@code bench.format}: NCHW or NHWC, the images' layout inside the network (default: the shipped one)
 *   <li>{@code bench.workspaces}: ENABLED (DL4J's default) or NONE, for training and inference
 *   <li>{@code bench.loader}: memory (minibatches already in the heap) or files (each read from an exported
 *       minibatch file on local disk before its step, as a worker's loader does)
 * </ul>
 *
 * <p>Usage: EngineOptions JOB_CONF LABEL WARMUP_MINIBATCHES TIMED_MINIBATCHES
 */
public final class EngineOptions {
  private EngineOptions() {}

  /** The folder JavaCPP extracted libnd4j from: the native build's name (linux-x86_64-onednn, ...). */
  private static String loadedBuild() {
    return org.bytedeco.javacpp.Loader.getLoadedLibraries().entrySet().stream()
        .filter(e -> e.getKey().contains("nd4jcpu") && !e.getKey().contains("jni"))
        .map(e -> new File(String.valueOf(e.getValue())).getParentFile().getName()).findFirst().orElse("?");
  }

  public static void main(String[] args) throws Exception {
    JobConfig job = ConfigLoader.load(new File(args[0]), List.of());
    String label = args[1];
    int warmup = Integer.parseInt(args[2]);
    int timed = Integer.parseInt(args[3]);
    IdxReader.IdxImages images = IdxReader.read(job.data().train(), job.data().trainLabels(),
        job.data().numClasses(), new Configuration());
    int batchSize = job.train().batchSizePerWorker();
    float scale = (float) (1.0 / job.data().scaleMax());
    List<DataSet> batches = new ArrayList<>();
    for (int b = 0; b < warmup + timed; b++) {
      List<Example> batch = new ArrayList<>();
      for (int k = b * batchSize; k < (b + 1) * batchSize; k++) {
        byte[] pixels = images.images().get(k % images.images().size());
        float[] x = new float[pixels.length];
        for (int p = 0; p < x.length; p++) {
          x[p] = (pixels[p] & 0xff) * scale;
        }
        batch.add(new Example(x, images.labels()[k % images.images().size()] & 0xff));
      }
      batches.add(Batches.toDataSet(batch, job.data().numClasses()));
    }
    CNN2DFormat format = CNN2DFormat.valueOf(System.getProperty("bench.format", ModelFactory.IMAGE_FORMAT.name()));
    MultiLayerConfiguration conf = ModelFactory.build(job.model(), images.shape(), job.data().numClasses(),
        job.seed(), format);
    WorkspaceMode workspaces = WorkspaceMode.valueOf(System.getProperty("bench.workspaces", "ENABLED"));
    conf.setTrainingWorkspaceMode(workspaces);
    conf.setInferenceWorkspaceMode(workspaces);
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    boolean files = System.getProperty("bench.loader", "memory").equals("files");
    List<Path> paths = new ArrayList<>();
    if (files) {
      Path dir = Files.createTempDirectory("engine-options");
      for (int b = 0; b < batches.size(); b++) {
        Path p = dir.resolve(String.format(Locale.ROOT, "batch-%012d.bin", (long) b * batchSize));
        try (OutputStream out = Files.newOutputStream(p)) {
          batches.get(b).save(out);
        }
        paths.add(p);
      }
    }
    long t0 = 0;
    for (int b = 0; b < batches.size(); b++) {
      if (b == warmup) {
        t0 = System.nanoTime();
      }
      DataSet ds = batches.get(b);
      if (files) {
        try (InputStream in = Files.newInputStream(paths.get(b))) {
          ds = BatchFiles.read(in, paths.get(b).toString());
        }
      }
      net.fit(ds);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Object helper = net.getLayer(0).getHelper();
    System.out.printf(Locale.ROOT, "result %s examples/s %.1f helper %s build %s threads %s score %.4f%n", label,
        timed * batchSize / seconds, helper == null ? "none" : helper.getClass().getSimpleName(),
        loadedBuild(),
        Nd4j.getExecutioner().getEnvironmentInformation().get("omp.threads"), net.score());
  }
}
