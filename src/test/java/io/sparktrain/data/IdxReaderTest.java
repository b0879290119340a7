package io.sparktrain.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparktrain.testing.Idx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  @TempDir
  Path dir;

  private final Configuration conf = new Configuration();

  private String file(String name, byte[] content, boolean gzip) throws IOException {
    return Idx.write(dir.resolve(name), content, gzip).toString();
  }

  @Test
  void read_gzipAndPlain_sameImagesAndLabels() throws IOException {
    byte[] images = Idx.images(3, 2, 2);
    byte[] labels = Idx.labels(0, 2, 1);
    IdxReader.IdxImages gz = IdxReader.read(file("i.gz", images, true), file("l.gz", labels, true), 3, conf);
    IdxReader.IdxImages plain = IdxReader.read(file("i", images, false), file("l", labels, false), 3, conf);
    assertThat(gz.rows()).isEqualTo(2);
    assertThat(gz.cols()).isEqualTo(2);
    assertThat(gz.images()).hasSize(3);
    assertThat(gz.images().get(1)).containsExactly(4, 5, 6, 7);
    assertThat(gz.labels()).containsExactly(0, 2, 1);
    for (int i = 0; i < 3; i++) {
      assertThat(Arrays.equals(gz.images().get(i), plain.images().get(i))).isTrue();
    }
  }

  @Test
  void read_realSampleData_6000BalancedImages() {
    IdxReader.IdxImages train = IdxReader.read("sample-data/fashion-mnist/train-images-idx3-ubyte.gz",
        "sample-data/fashion-mnist/train-labels-idx1-ubyte.gz", 10, conf);
    assertThat(train.images()).hasSize(6000);
    assertThat(train.shape()).isEqualTo(Shape.image(28, 28, 1));
    int[] perClass = new int[10];
    for (byte label : train.labels()) {
      perClass[label]++;
    }
    assertThat(perClass).containsOnly(600);
  }

  @Test
  void read_truncatedImages_namesFileAndImage() throws IOException {
    String images = file("i.gz", Idx.images(0x00000803, 3, 2, 2, 9), true);
    String labels = file("l.gz", Idx.labels(0, 1, 1), true);
    assertThatThrownBy(() -> IdxReader.read(images, labels, 2, conf))
        .isInstanceOf(DataException.class)
        .hasMessage(images + ": truncated: header says 3 images of 2x2, but the file ends inside image 2");
  }

  @Test
  void read_hostileImageCount_refusedBeforeAllocating_namesTheSettingToRaise() throws IOException {
    // 16 bytes that declare 2^31-1 images of 28x28: 1.7 TB, more than any driver holds.
    String images = file("i", Idx.images(0x00000803, Integer.MAX_VALUE, 28, 28, 0), false);
    String labels = file("l", Idx.labels(0), false);
    assertThatThrownBy(() -> IdxReader.read(images, labels, 2, conf))
        .isInstanceOf(DataException.class)
        .hasMessageStartingWith(images + ": the IDX header declares 2147483647 images of 28x28 "
            + "(1,683,627,179,248 bytes), more than the driver holds for one file")
        .hasMessageContaining("spark.driver.memory; SPARKTRAIN_DRIVER_MEMORY for bin/sparktrain");
  }

  @Test
  void readLabels_headerBeyondTheLimit_refused() throws IOException {
    String labels = file("l", Idx.labels(0, 1, 1), false);
    assertThatThrownBy(() -> IdxReader.readLabels(labels, conf, 2))
        .isInstanceOf(DataException.class)
        .hasMessageStartingWith(labels + ": the IDX header declares 3 labels (3 bytes), more than the driver holds "
            + "for one file (2 bytes, half its heap)");
  }

  @Test
  void read_plainFileDeclaringMoreThanItHolds_truncatedBeforeAllocating() throws IOException {
    String labels = file("l", Idx.labelsWithMagic(0x00000801, 0, 1, 1), false);
    byte[] hostile = java.nio.file.Files.readAllBytes(Path.of(labels));
    hostile[4] = 0x7f; // label count 0x7f000003
    java.nio.file.Files.write(Path.of(labels), hostile);
    assertThatThrownBy(() -> IdxReader.readLabels(labels, conf, Long.MAX_VALUE))
        .isInstanceOf(DataException.class)
        .hasMessage(labels + ": truncated: header says 2130706435 labels (2,130,706,435 bytes), but the file holds "
            + "3 bytes after its header");
    String images = file("i", Idx.images(0x00000803, 3, 2, 2, 9), false);
    assertThatThrownBy(() -> IdxReader.readImages(images, conf, null, Long.MAX_VALUE))
        .isInstanceOf(DataException.class)
        .hasMessage(images + ": truncated: header says 3 images of 2x2 (12 bytes), but the file holds 9 bytes after"
            + " its header");
  }

  @Test
  void read_gzipDeclaringAMillionImagesHoldingTwo_endsAtTheData() throws IOException {
    String images = file("i.gz", Idx.images(0x00000803, 1_000_000, 1, 1, 2), true);
    assertThatThrownBy(() -> IdxReader.readImages(images, conf, null, Long.MAX_VALUE))
        .isInstanceOf(DataException.class)
        .hasMessage(images + ": truncated: header says 1000000 images of 1x1, but the file ends inside image 2");
    String labels = file("l.gz", Idx.labelsWithMagic(0x00000801, 0, 1), true);
    byte[] plain = Idx.labels(0, 1);
    plain[7] = 100; // declares 100 labels, holds 2
    String shortLabels = file("l2.gz", plain, true);
    assertThat(IdxReader.readLabels(labels, conf, Long.MAX_VALUE)).containsExactly(0, 1);
    assertThatThrownBy(() -> IdxReader.readLabels(shortLabels, conf, Long.MAX_VALUE))
        .isInstanceOf(DataException.class)
        .hasMessage(shortLabels + ": truncated: header says 100 labels, but the file holds 2");
  }

  @Test
  void read_imageLargerThanAnArray_refused() throws IOException {
    String images = file("i", Idx.images(0x00000803, 1, 65536, 65536, 0), false);
    assertThatThrownBy(() -> IdxReader.readImages(images, conf, null, Long.MAX_VALUE))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("one image of 4294967296 pixels is more than an image can hold");
  }

  @Test
  void read_truncatedHeader_saysWhatIsMissing() throws IOException {
    String images = file("i", new byte[] {0, 0, 8, 3, 0, 0}, false);
    String labels = file("l", Idx.labels(0), false);
    assertThatThrownBy(() -> IdxReader.read(images, labels, 2, conf))
        .isInstanceOf(DataException.class)
        .hasMessage(images + ": truncated IDX header: the image count is missing");
  }

  @Test
  void read_wrongMagic_namesExpectedMagic() throws IOException {
    String images = file("i", Idx.images(0x00000801, 1, 2, 2, 4), false);
    String labels = file("l", Idx.labels(0), false);
    assertThatThrownBy(() -> IdxReader.read(images, labels, 2, conf))
        .isInstanceOf(DataException.class)
        .hasMessage(images + ": magic number 0x00000801 is not an IDX file of images (unsigned bytes, 3 dimensions)"
            + " (expected 0x00000803)");
  }

  @Test
  void read_imagesGivenAsLabels_rejectsMagic() throws IOException {
    String images = file("i", Idx.images(1, 2, 2), false);
    assertThatThrownBy(() -> IdxReader.read(images, images, 2, conf))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("magic number 0x00000803 is not an IDX file of labels");
  }

  @Test
  void read_countMismatch_namesBothFiles() throws IOException {
    String images = file("i", Idx.images(3, 2, 2), false);
    String labels = file("l", Idx.labels(0, 1), false);
    assertThatThrownBy(() -> IdxReader.read(images, labels, 2, conf))
        .isInstanceOf(DataException.class)
        .hasMessage(images + " holds 3 images but " + labels + " holds 2 labels; the two files must describe the"
            + " same examples");
  }

  @Test
  void read_labelOutOfRange_isReadForDataLoaderToQuarantine() throws IOException {
    String images = file("i", Idx.images(3, 2, 2), false);
    String labels = file("l", Idx.labels(0, 1, 10), false);
    assertThat(IdxReader.read(images, labels, 10, conf).labels()).containsExactly(0, 1, 10);
  }

  @Test
  void read_emptyFile_saysEmpty() throws IOException {
    String images = file("i", new byte[0], false);
    String labels = file("l", Idx.labels(0), false);
    assertThatThrownBy(() -> IdxReader.read(images, labels, 2, conf))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(images + ": empty or shorter than an IDX header");
  }

  @Test
  void read_corruptGzip_namesFile() throws IOException {
    byte[] gz = java.util.Arrays.copyOf(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3}, 40);
    java.util.Arrays.fill(gz, 10, 40, (byte) 0x55);
    String images = file("i.gz", gz, false);
    String labels = file("l", Idx.labels(0), false);
    assertThatThrownBy(() -> IdxReader.read(images, labels, 2, conf))
        .isInstanceOf(DataException.class)
        .hasMessageStartingWith(images + ": cannot read: ");
  }

  @Test
  void read_missingFile_namesIt() {
    String missing = dir.resolve("nope.gz").toString();
    assertThatThrownBy(() -> IdxReader.read(missing, missing, 2, conf))
        .isInstanceOf(DataException.class)
        .hasMessage(missing + ": no such file");
  }

  @Test
  void read_folderInsteadOfFile_saysSo() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("folder"));
    assertThatThrownBy(() -> IdxReader.read(folder.toString(), folder.toString(), 2, conf))
        .isInstanceOf(DataException.class)
        .hasMessage(folder + ": is a folder; expected a file");
  }
}
