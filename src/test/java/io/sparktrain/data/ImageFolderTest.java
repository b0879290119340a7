package io.sparktrain.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparktrain.config.CsvOptions;
import io.sparktrain.config.DataConfig;
import io.sparktrain.config.ImageOptions;
import io.sparktrain.testing.TestSpark;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image folders (root/<class>/<image>) read with Spark's binaryFile source and ImageIO. */
public class ImageFolderTest {
  @TempDir
  Path dir;

  private final SparkSession spark = TestSpark.session();

  /** root/{bag,coat,shirt} with {@code perClass} 8x8 images whose brightness depends on the class. */
  public static Path imageFolders(Path root, int perClass) throws IOException {
    String[] classes = {"shirt", "bag", "coat"};
    for (int c = 0; c < classes.length; c++) {
      Path folder = Files.createDirectories(root.resolve(classes[c]));
      for (int i = 0; i < perClass; i++) {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
          for (int x = 0; x < 8; x++) {
            // "bag" is bright on the left, "coat" on the top, "shirt" on the diagonal; plus a little noise.
            int classIndex = List.of("bag", "coat", "shirt").indexOf(classes[c]);
            boolean on = classIndex == 0 ? x < 4 : classIndex == 1 ? y < 4 : Math.abs(x - y) < 2;
            int v = (on ? 200 : 30) + (i * 7 + x * 3 + y) % 20;
            img.setRGB(x, y, (v << 16) | (v << 8) | v);
          }
        }
        ImageIO.write(img, "png", folder.resolve("img" + i + ".png").toFile());
      }
    }
    return root;
  }

  static DataConfig config(Path root, int numClasses, ImageOptions images, double maxRejected) {
    return new DataConfig("images", root.toString(), "", "", "", 0.2, 0.2, numClasses, List.of(), "scale", 255, 2, 0,
        maxRejected, new CsvOptions(true, ',', "-1"), CsvSourceTest.NO_PARQUET, images, 1, io.sparktrain.config.DataLimits.reference());
  }

  @Test
  void folders_giveSortedClassNamesLabelsAndShape_badFilesQuarantined() throws IOException {
    Path root = imageFolders(dir.resolve("root"), 30);
    Files.write(root.resolve("coat/broken.png"), new byte[] {1, 2, 3, 4});
    BufferedImage big = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
    ImageIO.write(big, "png", root.resolve("shirt/big.png").toFile());
    ImageIO.write(big, "png", root.resolve("stray.png").toFile());
    Path quarantine = dir.resolve("run/rejected");
    Splits data = DataLoader.load(spark, config(root, 3, new ImageOptions(0, 0, true), 0.05), 1, quarantine.toString());
    assertThat(data.classNames()).containsExactly("bag", "coat", "shirt");
    assertThat(data.shape()).isEqualTo(Shape.image(8, 8, 1));
    assertThat(data.trainCount() + data.validationCount() + data.testCount()).isEqualTo(90);
    assertThat(data.rejected()).singleElement().satisfies(r -> {
      assertThat(r.records()).isEqualTo(93);
      assertThat(r.byReason()).isEqualTo(Map.of("undecodable image", 1L, "wrong image size", 1L,
          "label not in the class list", 1L));
    });
    assertThat(data.train().take(5)).allSatisfy(e -> {
      assertThat(e.features()).hasSize(64);
      assertThat(e.label()).isBetween(0, 2);
    });
    String quarantined = String.join("\n", Files.readAllLines(Files.list(quarantine.resolve("train"))
        .filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow()));
    assertThat(quarantined).contains("broken.png", "big.png: 16x16 pixels; expected 8x8", "stray.png: folder ''");
  }

  @Test
  void resizeAndRgb() throws IOException {
    Path root = imageFolders(dir.resolve("root2"), 10);
    BufferedImage big = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
    ImageIO.write(big, "png", root.resolve("bag/big.png").toFile());
    Splits data = DataLoader.load(spark, config(root, 3, new ImageOptions(4, 4, false), 0.0), 1, null);
    assertThat(data.shape()).isEqualTo(Shape.image(4, 4, 3));
    assertThat(data.trainCount() + data.validationCount() + data.testCount()).isEqualTo(31);
    assertThat(data.rejected()).isEmpty();
  }

  @Test
  void numClassesDifferentFromTheFolders_clearError() throws IOException {
    Path root = imageFolders(dir.resolve("root3"), 2);
    assertThatThrownBy(() -> DataLoader.load(spark, config(root, 10, new ImageOptions(0, 0, true), 0.0), 1, null))
        .isInstanceOf(DataException.class)
        .hasMessage(root + ": 3 class folders [bag, coat, shirt] but data.numClasses = 10; set data.numClasses = 3");
  }
}
