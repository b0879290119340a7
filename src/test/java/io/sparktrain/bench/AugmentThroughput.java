package io.sparktrain.bench;

import io.sparktrain.augment.AugmentPipeline;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.data.Example;
import io.sparktrain.data.IdxReader;
import io.sparktrain.data.Shape;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;

/**
 * The augmentation pipeline alone, on one thread: the job's augment.ops applied to every training image
 * (the work one executor core does per epoch), beside a plain copy of the same pixels. Prints
 * images/s for both, best of three passes each.
 *
 * <p>Usage: AugmentThroughput JOB_CONF [key=value ...]
 */
public final class AugmentThroughput {
  private AugmentThroughput() {}

  public static void main(String[] args) {
    JobConfig job = ConfigLoader.load(new File(args[0]), List.of(args).subList(1, args.length));
    IdxReader.IdxImages images = IdxReader.read(job.data().train(), job.data().trainLabels(),
        job.data().numClasses(), new Configuration());
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < images.images().size(); i++) {
      byte[] px = images.images().get(i);
      float[] x = new float[px.length];
      for (int j = 0; j < x.length; j++) {
        x[j] = (px[j] & 0xff) / 255f;
      }
      examples.add(new Example(x, images.labels()[i] & 0xff));
    }
    Shape shape = images.shape();
    AugmentPipeline pipeline = AugmentPipeline.of(job.augment(), shape, job.seed(), null);
    double copy = 0;
    double augment = 0;
    long sink = 0;
    for (int pass = 1; pass <= 3; pass++) {
      long t0 = System.nanoTime();
      for (Example e : examples) {
        sink += new Example(e.features().clone(), e.label()).features().length;
      }
      copy = Math.max(copy, examples.size() / ((System.nanoTime() - t0) / 1e9));
      long t1 = System.nanoTime();
      for (int i = 0; i < examples.size(); i++) {
        sink += pipeline.apply(examples.get(i), pass, i).features().length;
      }
      augment = Math.max(augment, examples.size() / ((System.nanoTime() - t1) / 1e9));
    }
    System.out.printf(Locale.ROOT, "images %d pipeline %s%n", examples.size(), String.join("; ", pipeline.describe()));
    System.out.printf(Locale.ROOT, "copy images/s %.0f%n", copy);
    System.out.printf(Locale.ROOT, "augment images/s %.0f%n", augment);
    System.out.printf(Locale.ROOT, "(checksum %d)%n", sink);
  }
}
