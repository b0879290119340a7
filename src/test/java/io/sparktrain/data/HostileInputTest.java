package io.sparktrain.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparktrain.cli.ExitCode;
import io.sparktrain.config.CsvOptions;
import io.sparktrain.config.DataConfig;
import io.sparktrain.config.DataLimits;
import io.sparktrain.config.ImageOptions;
import io.sparktrain.config.ParquetOptions;
import io.sparktrain.testing.TestSpark;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that declare more than they should (data.limits): each is quarantined with its reason or refused
 * with a DataException (exit code 3) naming the file and the setting, before memory is allocated for what
 * it only claims.
 */
class HostileInputTest {
  @TempDir
  Path dir;

  private final SparkSession spark = TestSpark.session();

  private static DataLimits limits(long pixels, long fileBytes, int headerChars, int columns, int cellChars,
      int arrayLength) {
    return new DataLimits(pixels, fileBytes, headerChars, columns, cellChars, arrayLength, 64L << 20);
  }

  private static final DataLimits DEFAULTS = DataLimits.reference();

  /** A valid 1x1 PNG whose header (IHDR) then claims {@code width} x {@code height} pixels, CRC fixed. */
  static byte[] pngClaiming(int width, int height) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png", out);
    byte[] png = out.toByteArray();
    ByteBuffer b = ByteBuffer.wrap(png);
    b.putInt(16, width);
    b.putInt(20, height);
    CRC32 crc = new CRC32();
    crc.update(png, 12, 17);
    b.putInt(29, (int) crc.getValue());
    return png;
  }

  private DataConfig images(Path root, DataLimits limits) {
    return new DataConfig("images", root.toString(), "", "", "", 0.2, 0.2, 3, List.of(), "scale", 255, 2, 0, 0.5,
        new CsvOptions(true, ',', "-1"), CsvSourceTest.NO_PARQUET, new ImageOptions(0, 0, true), 1, limits);
  }

  private static Map<String, Long> reasons(Splits s) {
    return s.rejected().get(0).byReason();
  }

  @Test
  void image_declaringAHugeSize_quarantinedWithoutDecoding() throws IOException {
    Path root = ImageFolderTest.imageFolders(dir.resolve("root"), 10);
    Files.write(root.resolve("coat/zz-bomb.png"), pngClaiming(100_000, 100_000));
    Splits s = DataLoader.load(spark, images(root, DEFAULTS), 1);
    assertThat(reasons(s)).containsEntry("image too large", 1L);
    assertThat(s.trainCount() + s.validationCount() + s.testCount()).isEqualTo(30);
  }

  @Test
  void imageFile_largerThanTheLimit_quarantinedUnread() throws IOException {
    Path root = ImageFolderTest.imageFolders(dir.resolve("root"), 10);
    byte[] noise = new byte[5000];
    new java.util.Random(1).nextBytes(noise);
    Files.write(root.resolve("shirt/zz-huge.png"), noise);
    Splits s = DataLoader.load(spark, images(root, limits(50_000_000, 4000, 1000, 100, 100, 100)), 1);
    assertThat(reasons(s)).containsEntry("image file too large", 1L);
  }

  @Test
  void firstImage_declaringAHugeSize_refusedNamingIt() throws IOException {
    Path root = ImageFolderTest.imageFolders(dir.resolve("root"), 5);
    Path bomb = Files.write(root.resolve("bag/a-bomb.png"), pngClaiming(70_000, 70_000));
    assertThatThrownBy(() -> DataLoader.load(spark, images(root, DEFAULTS), 1))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(bomb.getFileName() + ": declares 70000x70000 pixels (4900000000), more than"
            + " data.limits.maxImagePixels = 50000000; nothing was decoded (the first image of ");
  }

  @Test
  void csv_headerLongerThanTheLimit_refusedNamingTheFile() throws IOException {
    Path file = Files.writeString(dir.resolve("long.csv"), "a".repeat(5000) + ",y\n1,0\n");
    assertThatThrownBy(() -> CsvSource.read(spark, file.toString(), new CsvOptions(true, ',', "-1"), 2,
        limits(1, 1, 1000, 100, 100, 100)))
        .isInstanceOf(DataException.class)
        .hasMessage(file + ": the first line is longer than data.limits.maxLineBytes = 1000 characters; is it a CSV file?");
  }

  /** A data line with no end in sight: quarantined as "line too long" without being held in memory. */
  @Test
  void csv_dataLineLongerThanTheLimit_quarantinedTheRestRead() throws IOException {
    StringBuilder rows = new StringBuilder("a,b,y\n");
    for (int i = 0; i < 200; i++) {
      rows.append(i % 7).append(',').append(i % 3).append(',').append(i % 2).append('\n');
    }
    rows.insert(rows.indexOf("\n") + 1, "1," + "2".repeat(5000) + ",0\n");
    Path file = Files.writeString(dir.resolve("longline.csv"), rows);
    DataConfig config = new DataConfig("csv", file.toString(), "", "", "", 0.2, 0.2, 2, List.of(), "none", 255, 2, 0,
        0.01, new CsvOptions(true, ',', "-1"), CsvSourceTest.NO_PARQUET, CsvSourceTest.NO_IMAGES, 1,
        limits(1, 1, 1000, 100, 100_000, 100));
    Splits s = DataLoader.load(spark, config, 1);
    assertThat(s.rejected()).singleElement().satisfies(r -> {
      assertThat(r.byReason()).containsExactly(Map.entry("line too long", 1L));
      assertThat(r.records()).isEqualTo(201);
    });
    assertThat(s.trainCount() + s.validationCount() + s.testCount()).isEqualTo(200);
    List<CsvSource.LongLine> found = CsvSource.scan(file.toString(), 1000, new org.apache.hadoop.conf.Configuration());
    assertThat(found).singleElement().extracting(CsvSource.LongLine::location)
        .isEqualTo(file + ":2: 5005 bytes with its line end (from byte 6), reaching data.limits.maxLineBytes = 1000");
  }

  /** The pass ends lines where Hadoop's reader does (LF, CR, CRLF) and judges them as it does. */
  @Test
  void longLinePass_endsAndJudgesLinesAsHadoopsReader() throws IOException {
    Path file = Files.write(dir.resolve("ends.csv"), "abc\r\nabcd\rab\nabcde".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(CsvSource.scan(file.toString(), 5, new org.apache.hadoop.conf.Configuration()))
        .extracting(l -> l.line() + "@" + l.offset() + ":" + l.bytes())
        .containsExactly("1@0:5", "2@5:5", "4@13:5");
  }

  @Test
  void csv_moreColumnsThanTheLimit_refusedNamingTheFile() throws IOException {
    Path file = Files.writeString(dir.resolve("wide.csv"), "a,b,c,d,e,f,y\n1,2,3,4,5,6,0\n");
    assertThatThrownBy(() -> CsvSource.read(spark, file.toString(), new CsvOptions(true, ',', "-1"), 2,
        limits(1, 1, 1000, 5, 100, 100)))
        .isInstanceOf(DataException.class)
        .hasMessage(file + ": the first line has 7 columns, more than data.limits.maxColumns = 5");
  }

  @Test
  void csv_cellLongerThanTheLimit_exit3NamingTheFileAndSetting() throws IOException {
    Path file = Files.writeString(dir.resolve("cell.csv"), "a,y\n1,0\n" + "9".repeat(500) + ",1\n2,0\n");
    DataConfig config = new DataConfig("csv", file.toString(), "", "", "", 0.2, 0.2, 2, List.of(), "none", 255, 2, 0,
        0.5, new CsvOptions(true, ',', "-1"), CsvSourceTest.NO_PARQUET, CsvSourceTest.NO_IMAGES, 1,
        limits(1, 1, 1000, 100, 100, 100));
    assertThatThrownBy(() -> DataLoader.load(spark, config, 1))
        .isInstanceOf(DataException.class)
        .hasMessageStartingWith(file + ": a cell longer than data.limits.maxCellChars (Length of parsed input (101)"
            + " exceeds the maximum number of characters defined in your parser settings (100).)")
        .satisfies(e -> assertThat(ExitCode.of(e)).isEqualTo(ExitCode.BAD_DATA));
  }

  @Test
  void parquet_firstRowWithAHugeArray_refusedNamingTheFileAndSetting() {
    String uri = dir.resolve("wide.parquet").toString();
    spark.sql("SELECT array_repeat(CAST(0.5 AS DOUBLE), 2000) AS x, CAST(1 AS BIGINT) AS label").write().parquet(uri);
    assertThatThrownBy(() -> ParquetSource.read(spark, uri, new ParquetOptions("label", List.of(), List.of()), 2,
        limits(1, 1, 1000, 100, 100, 1000)))
        .isInstanceOf(DataException.class)
        .hasMessage(uri + ": column 'x' holds 2000 values in its first row, more than data.limits.maxArrayLength = 1000"
            + " (the first row sets every example's width)");
  }

  /** A later row longer than the first: refused from the file's footer, before Spark reads the row. */
  @Test
  void parquet_laterRowLongerThanTheFirst_refusedFromTheFooter() {
    String uri = dir.resolve("later.parquet").toString();
    spark.sql("SELECT IF(id = 0, array_repeat(CAST(0.5 AS DOUBLE), 10), array_repeat(CAST(0.5 AS DOUBLE), 5000)) AS x,"
        + " CAST(id % 2 AS BIGINT) AS label FROM range(3)").coalesce(1).write().parquet(uri);
    assertThatThrownBy(() -> ParquetSource.read(spark, uri, new ParquetOptions("label", List.of(), List.of()), 2,
        DEFAULTS))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(": row group 0 declares 10,010 values of column 'x' for 3 rows, more than 10 per row"
            + " (the first row's width)");
  }

  /** ND4J's DataSet.load reads example metadata and label names with ObjectInputStream: such a file is refused. */
  @Test
  void minibatchFile_withJavaSerializedParts_refusedBeforeDeserializing() throws IOException {
    org.nd4j.linalg.dataset.DataSet plain = new org.nd4j.linalg.dataset.DataSet(
        org.nd4j.linalg.factory.Nd4j.ones(2, 3), org.nd4j.linalg.factory.Nd4j.zeros(2, 2));
    ByteArrayOutputStream ok = new ByteArrayOutputStream();
    plain.save(ok);
    org.nd4j.linalg.dataset.DataSet read = BatchFiles.read(new java.io.ByteArrayInputStream(ok.toByteArray()), "ok.bin");
    assertThat(read.getFeatures()).isEqualTo(plain.getFeatures());

    org.nd4j.linalg.dataset.DataSet withNames = plain.copy();
    withNames.setLabelNames(List.of("a", "b"));
    ByteArrayOutputStream hostile = new ByteArrayOutputStream();
    withNames.save(hostile);
    assertThatThrownBy(() -> BatchFiles.read(new java.io.ByteArrayInputStream(hostile.toByteArray()),
        "hdfs:///export/batch-000000000000.bin"))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("hdfs:///export/batch-000000000000.bin: holds Java-serialized objects")
        .hasMessageContaining("does not deserialize; refused");
  }
}
