package io.sparktrain.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads an IDX image file and its label file (the MNIST / Fashion-MNIST layout: unsigned bytes,
 * magic 0x00000803 for images of rows x columns, 0x00000801 for labels), gzip or plain.
 *
 * <p>IDX is one sequential stream per file, so it is read by the driver; the images are then handed to
 * Spark as bytes and converted to features on the executors.
 */
public final class IdxReader {
  static final int IMAGES_MAGIC = 0x00000803;
  static final int LABELS_MAGIC = 0x00000801;

  private IdxReader() {}

  /**
   * The most bytes one IDX file may declare: half of this JVM's heap, since the driver holds the whole file.
   * A header is checked against it (and a plain file's header against the file's length) before anything
   * is allocated, so a broken or hostile header fails with its numbers instead of an OutOfMemoryError.
   */
  static long limit() {
    return Runtime.getRuntime().maxMemory() / 2;
  }

  /** Pixels as unsigned bytes (one image per row) and labels, checked against each other. */
  public record IdxImages(int rows, int cols, List<byte[]> images, byte[] labels) {
    public Shape shape() {
      return Shape.image(rows, cols, 1);
    }
  }

  public static IdxImages read(String imagesUri, String labelsUri, int numClasses, Configuration conf) {
    byte[] labels = readLabels(labelsUri, conf, limit());
    IdxImages images = readImages(imagesUri, conf, labels, limit());
    if (images.images().size() != labels.length) {
      throw new DataException(imagesUri + " holds " + images.images().size() + " images but " + labelsUri
          + " holds " + labels.length + " labels; the two files must describe the same examples");
    }
    // Labels outside [0, numClasses) are quarantined by DataLoader with the rest of the bad records.
    return images;
  }

  /** The images of an IDX file without labels (scoring); {@link IdxImages#labels()} is null. */
  public static IdxImages images(String imagesUri, Configuration conf) {
    return readImages(imagesUri, conf, null, limit());
  }

  static byte[] readLabels(String uri, Configuration conf, long limit) {
    try (DataInputStream in = new DataInputStream(HadoopFiles.open(uri, conf))) {
      checkMagic(uri, in, LABELS_MAGIC, "labels (unsigned bytes, 1 dimension)");
      int count = readCount(uri, in, "label count");
      checkDeclared(uri, conf, count, 8, count + " labels", limit);
      // Read as the bytes arrive: a gzip file's header is only checked against the limit.
      byte[] labels = in.readNBytes(count);
      if (labels.length < count) {
        throw new DataException(uri + ": truncated: header says " + count + " labels, but the file holds "
            + labels.length);
      }
      return labels;
    } catch (IOException e) {
      throw new DataException(uri + ": cannot read: " + e.getMessage(), e);
    }
  }

  static IdxImages readImages(String uri, Configuration conf, byte[] labels, long limit) {
    try (DataInputStream in = new DataInputStream(HadoopFiles.open(uri, conf))) {
      checkMagic(uri, in, IMAGES_MAGIC, "images (unsigned bytes, 3 dimensions)");
      int count = readCount(uri, in, "image count");
      int rows = readCount(uri, in, "row count");
      int cols = readCount(uri, in, "column count");
      if (rows == 0 || cols == 0) {
        throw new DataException(uri + ": images of " + rows + "x" + cols + " pixels; expected at least 1x1");
      }
      String declared = String.format(Locale.ROOT, "%d images of %dx%d", count, rows, cols);
      if ((long) rows * cols > Integer.MAX_VALUE - 8) {
        throw new DataException(uri + ": the IDX header declares " + declared + ": one image of "
            + (long) rows * cols + " pixels is more than an image can hold (at most " + (Integer.MAX_VALUE - 8) + ")");
      }
      checkDeclared(uri, conf, (long) count * rows * cols, 16, declared, limit);
      // Grown as images arrive: the header of a gzip file is only checked against the limit.
      List<byte[]> images = new ArrayList<>(Math.min(count, 4096));
      for (int i = 0; i < count; i++) {
        byte[] image = new byte[rows * cols];
        readFully(uri, in, image, String.format(Locale.ROOT,
            "header says %d images of %dx%d, but the file ends inside image %d", count, rows, cols, i));
        images.add(image);
      }
      return new IdxImages(rows, cols, images, labels);
    } catch (IOException e) {
      throw new DataException(uri + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * Refuses a header that declares more than {@code limit} bytes of data, or (a file that is not compressed)
   * more than the file holds after its {@code headerBytes}: before a byte is allocated for it.
   */
  private static void checkDeclared(String uri, Configuration conf, long bytes, int headerBytes, String declared,
      long limit) {
    if (bytes > limit) {
      throw new DataException(String.format(Locale.ROOT, "%s: the IDX header declares %s (%,d bytes), more than "
          + "the driver holds for one file (%,d bytes, half its heap): the file is broken, or the driver needs "
          + "more memory (spark.driver.memory; SPARKTRAIN_DRIVER_MEMORY for bin/sparktrain)", uri, declared, bytes,
          limit));
    }
    long stored = HadoopFiles.plainLength(uri, conf);
    if (stored >= 0 && bytes > stored - headerBytes) {
      throw new DataException(String.format(Locale.ROOT, "%s: truncated: header says %s (%,d bytes), but the file "
          + "holds %,d bytes after its header", uri, declared, bytes, Math.max(0, stored - headerBytes)));
    }
  }

  private static void checkMagic(String uri, DataInputStream in, int expected, String what) throws IOException {
    int magic;
    try {
      magic = in.readInt();
    } catch (EOFException e) {
      throw new DataException(uri + ": empty or shorter than an IDX header; expected an IDX file of " + what, e);
    }
    if (magic != expected) {
      throw new DataException(String.format(Locale.ROOT,
          "%s: magic number 0x%08x is not an IDX file of %s (expected 0x%08x)", uri, magic, what, expected));
    }
  }

  private static int readCount(String uri, DataInputStream in, String what) throws IOException {
    try {
      int n = in.readInt();
      if (n < 0) {
        throw new DataException(uri + ": negative " + what + " " + n + " in the IDX header");
      }
      return n;
    } catch (EOFException e) {
      throw new DataException(uri + ": truncated IDX header: the " + what + " is missing", e);
    }
  }

  private static void readFully(String uri, InputStream in, byte[] buffer, String context) throws IOException {
    int off = 0;
    while (off < buffer.length) {
      int n = in.read(buffer, off, buffer.length - off);
      if (n < 0) {
        throw new DataException(uri + ": truncated: " + context);
      }
      off += n;
    }
  }
}
