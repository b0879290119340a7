package io.sparktrain.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sparktrain.config.CsvOptions;
import io.sparktrain.config.DataConfig;
import io.sparktrain.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The split is a function of the seed and each example's content: the same examples land in the same
 * split however the data are partitioned, read or recomputed.
 */
class StableSplitTest {
  @TempDir
  Path dir;

  private static Example example(Random r, int label) {
    float[] x = new float[8];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat();
    }
    return new Example(x, label);
  }

  @Test
  void fractions_asConfigured() {
    StableSplit split = new StableSplit(42, 0.1, 0.2);
    Map<StableSplit.Part, Integer> counts = new EnumMap<>(StableSplit.Part.class);
    Random r = new Random(1);
    for (int i = 0; i < 100_000; i++) {
      counts.merge(split.of(StableSplit.id(example(r, i % 10))), 1, Integer::sum);
    }
    assertThat(counts.get(StableSplit.Part.TEST) / 1e5).isCloseTo(0.2, within(0.005));
    assertThat(counts.get(StableSplit.Part.VALIDATION) / 1e5).isCloseTo(0.8 * 0.1, within(0.005));
    assertThat(counts.get(StableSplit.Part.TRAIN) / 1e5).isCloseTo(0.72, within(0.005));
  }

  @Test
  void identity_dependsOnContentOnly_andTheSeedMovesTheSplit() {
    Example a = new Example(new float[] {0.5f, 1f}, 3);
    assertThat(StableSplit.id(a)).isEqualTo(StableSplit.id(new Example(new float[] {0.5f, 1f}, 3)));
    assertThat(StableSplit.id(a)).isNotEqualTo(StableSplit.id(new Example(new float[] {0.5f, 1f}, 2)));
    assertThat(StableSplit.id(a)).isNotEqualTo(StableSplit.id(new Example(new float[] {1f, 0.5f}, 3)));
    Random r = new Random(2);
    int moved = 0;
    for (int i = 0; i < 1000; i++) {
      long id = StableSplit.id(example(r, 0));
      moved += new StableSplit(1, 0.5, 0).of(id) != new StableSplit(2, 0.5, 0).of(id) ? 1 : 0;
    }
    assertThat(moved).isBetween(400, 600);
  }

  private static DataConfig csv(String uri, int partitions, int perClass) {
    return new DataConfig("csv", uri, "", "", "", 0.2, 0.2, 3, List.of(), "none", 255, partitions, perClass,
        0.0, new CsvOptions(true, ',', "y"), CsvSourceTest.NO_PARQUET, CsvSourceTest.NO_IMAGES, 1, io.sparktrain.config.DataLimits.reference());
  }

  private String csvFile() throws IOException {
    StringBuilder rows = new StringBuilder("a,b,c,y\n");
    Random r = new Random(3);
    for (int i = 0; i < 3000; i++) {
      rows.append(r.nextInt(1000)).append(',').append(r.nextInt(1000)).append(',').append(r.nextInt(1000)).append(',')
          .append(i % 3).append('\n');
    }
    return Files.writeString(dir.resolve("rows.csv"), rows.toString()).toString();
  }

  @Test
  void sameData_anyPartitioning_sameSplits() throws IOException {
    String file = csvFile();
    Splits two = DataLoader.load(TestSpark.session(), csv(file, 2, 0), 7);
    Splits five = DataLoader.load(TestSpark.session(), csv(file, 5, 0), 7);
    assertThat(five.identity()).isEqualTo(two.identity());
    assertThat(two.identity().train() + two.identity().validation() + two.identity().test()).isEqualTo(3000);
    assertThat(sum(two.test())).as("the test set's examples themselves").isEqualTo(sum(five.test()));
    two.unpersist();
    five.unpersist();
  }

  @Test
  void recomputedPartitions_moveNoExample() throws IOException {
    Splits s = DataLoader.load(TestSpark.session(), csv(csvFile(), 3, 0), 7);
    long before = sum(s.validation());
    // As after a lost executor or an evicted cache: every partition is computed again from the source.
    s.validation().unpersist(true);
    s.train().unpersist(true);
    s.test().unpersist(true);
    assertThat(sum(s.validation())).isEqualTo(before);
    assertThat(s.train().count()).isEqualTo(s.identity().train());
  }

  @Test
  void perClassSample_dependsOnTheSeedNotTheOrder() throws IOException {
    String file = csvFile();
    Splits a = DataLoader.load(TestSpark.session(), csv(file, 2, 50), 7);
    Splits b = DataLoader.load(TestSpark.session(), csv(file, 4, 50), 7);
    assertThat(a.trainClassCounts()).containsExactly(50L, 50L, 50L);
    assertThat(a.identity()).isEqualTo(b.identity());
    assertThat(DataLoader.load(TestSpark.session(), csv(file, 2, 50), 8).identity()).isNotEqualTo(a.identity());
  }

  /** An order-free digest of a split's (scaled) examples. */
  private static long sum(JavaRDD<Example> examples) {
    return examples.map(StableSplit::id).reduce(Long::sum);
  }
}
