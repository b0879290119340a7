package io.sparktrain.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.sparktrain.data.BatchFiles;
import io.sparktrain.data.Batches;
import io.sparktrain.data.Example;
import io.sparktrain.data.Shape;
import io.sparktrain.testing.TestSpark;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.datavec.spark.util.SerializableHadoopConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.dataset.DataSet;

class AugmentingLoaderTest {
  static final Shape IMAGE = Shape.image(6, 5, 1);

  static List<Example> examples(int n) {
    List<Example> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] x = AugmentTest.ramp(IMAGE);
      x[0] = i;
      out.add(new Example(x, i % 3));
    }
    return out;
  }

  static AugmentPipeline pipeline() {
    return new AugmentPipeline(List.of(new HorizontalFlip(0.5), new RandomShift(1), new RandomErasing(0.5, 0.1, 0.3)),
        List.of(), IMAGE, 42);
  }

  static Source file(Path p) {
    return new Source() {
      @Override
      public InputStream getInputStream() throws java.io.IOException {
        return new FileInputStream(p.toFile());
      }

      @Override
      public String getPath() {
        return p.toUri().toString();
      }
    };
  }

  @Test
  void rowIOfAFileIsExampleFirstPlusI_augmentedAsTheInMemoryPipelineDoes(@TempDir Path dir) throws Exception {
    List<Example> batch = examples(5);
    Path f = dir.resolve("batch-000000000010.bin");
    try (OutputStream out = Files.newOutputStream(f)) {
      Batches.toDataSet(batch, 3).save(out);
    }
    AugmentPipeline p = pipeline();
    DataSet loaded = new AugmentingLoader(p, 4).load(file(f));
    assertThat(loaded.numExamples()).isEqualTo(5);
    for (int i = 0; i < 5; i++) {
      float[] expected = p.apply(batch.get(i), 4, 10 + i).features();
      assertThat(loaded.getFeatures().getRow(i).toFloatVector()).containsExactly(expected);
      assertThat(loaded.getLabels().getRow(i).argMax().getInt(0)).isEqualTo(batch.get(i).label());
    }
    assertThat(new AugmentingLoader(p, 4).load(file(f)).getFeatures())
        .as("same seed and epoch, same minibatch").isEqualTo(loaded.getFeatures());
    assertThat(new AugmentingLoader(p, 5).load(file(f)).getFeatures())
        .as("another epoch, other randomness").isNotEqualTo(loaded.getFeatures());
  }

  @Test
  void minibatchOpsSeeTheWholeLoadedBatch(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("batch-000000000000.bin");
    try (OutputStream out = Files.newOutputStream(f)) {
      Batches.toDataSet(examples(8), 3).save(out);
    }
    AugmentPipeline mix = new AugmentPipeline(List.of(), List.of(new Mixup(0.4)), IMAGE, 7);
    DataSet loaded = new AugmentingLoader(mix, 1).load(file(f));
    float[] labels = loaded.getLabels().dup('c').data().asFloat();
    boolean soft = false;
    for (float v : labels) {
      soft |= v > 0 && v < 1;
    }
    assertThat(soft).as("mixup makes soft labels").isTrue();
    for (float s : loaded.getLabels().sum(1).toFloatVector()) {
      assertThat(s).as("a mixed label still sums to 1").isCloseTo(1f, within(1e-5f));
    }
  }

  @Test
  void exportNamesEachFileAfterItsFirstExample_andKeepsEveryExampleOnce(@TempDir Path dir) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
    List<Example> all = examples(23);
    List<String> paths = BatchFiles.export(sc.parallelize(all, 2).zipWithIndex(), 4, 3, Shape.features(4), dir.toUri().toString(),
        sc.broadcast(new SerializableHadoopConfig(sc.hadoopConfiguration())));
    int seen = 0;
    for (String path : paths) {
      long first = BatchFiles.firstIndex(path);
      DataSet ds = new DataSet();
      ds.load(new java.io.File(java.net.URI.create(path)));
      // Whole minibatches across the two partitions' boundary: only the split's last file is short.
      assertThat(ds.numExamples()).as(path).isEqualTo(first == 20 ? 3 : 4);
      for (int i = 0; i < ds.numExamples(); i++) {
        assertThat(ds.getFeatures().getFloat(i, 0)).as(path + " row " + i).isEqualTo((float) (first + i));
      }
      seen += ds.numExamples();
    }
    assertThat(seen).isEqualTo(23);
    assertThat(paths).hasSize(6).isSorted();
    assertThatThrownBy(() -> BatchFiles.firstIndex("hdfs://nn/x/dataset_0_1.bin"))
        .hasMessageContaining("not a minibatch file");
  }

  @Test
  void directApproachEpoch_equalsWhatTheLoaderMakesOfTheExportedFiles(@TempDir Path dir) throws Exception {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
    var indexed = sc.parallelize(examples(19), 3).zipWithIndex();
    AugmentPipeline p = new AugmentPipeline(List.of(new HorizontalFlip(0.5), new RandomErasing(0.5, 0.1, 0.3)),
        List.of(new CutMix(1.0, 0.5)), IMAGE, 9);
    List<DataSet> direct = p.epoch(indexed, 3, 4, 3).collect();
    List<String> paths = BatchFiles.export(indexed, 4, 3, Shape.features(4), dir.toUri().toString(),
        sc.broadcast(new SerializableHadoopConfig(sc.hadoopConfiguration())));
    assertThat(paths).hasSameSizeAs(direct);
    // Both are in order of first example index: partitions in order, minibatches in order within each.
    for (int k = 0; k < paths.size(); k++) {
      DataSet loaded = new AugmentingLoader(p, 3).load(file(Path.of(java.net.URI.create(paths.get(k)))));
      assertThat(loaded.getFeatures()).as(paths.get(k)).isEqualTo(direct.get(k).getFeatures());
      assertThat(loaded.getLabels()).as(paths.get(k)).isEqualTo(direct.get(k).getLabels());
    }
  }
}
