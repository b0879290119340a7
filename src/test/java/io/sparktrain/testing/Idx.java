package io.sparktrain.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files for tests, including broken ones. */
public final class Idx {
  private Idx() {}

  public static byte[] images(int magic, int count, int rows, int cols, int pixelsWritten) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(magic);
    out.writeInt(count);
    out.writeInt(rows);
    out.writeInt(cols);
    for (int i = 0; i < pixelsWritten; i++) {
      out.writeByte(i % 256);
    }
    return bytes.toByteArray();
  }

  public static byte[] images(int count, int rows, int cols) throws IOException {
    return images(0x00000803, count, rows, cols, count * rows * cols);
  }

  public static byte[] labelsWithMagic(int magic, int... labels) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(magic);
    out.writeInt(labels.length);
    for (int label : labels) {
      out.writeByte(label);
    }
    return bytes.toByteArray();
  }

  public static byte[] labels(int... labels) throws IOException {
    return labelsWithMagic(0x00000801, labels);
  }

  public static Path write(Path file, byte[] content, boolean gzip) throws IOException {
    try (OutputStream raw = Files.newOutputStream(file);
        OutputStream out = gzip ? new GZIPOutputStream(raw) : raw) {
      out.write(content);
    }
    return file;
  }
}
