package io.sparktrain.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Opens files by URI through Hadoop's {@link FileSystem}, so file:, hdfs: and s3a: go through one code path. */
public final class HadoopFiles {
  private HadoopFiles() {}

  /** Opens {@code uri}, transparently un-gzipping it when it starts with the gzip magic bytes. */
  public static InputStream open(String uri, Configuration conf) {
    Path path = new Path(uri);
    try {
      FileSystem fs = path.getFileSystem(conf);
      if (!fs.exists(path)) {
        throw new DataException(uri + ": no such file");
      }
      if (fs.getFileStatus(path).isDirectory()) {
        throw new DataException(uri + ": is a folder; expected a file");
      }
      BufferedInputStream in = new BufferedInputStream(fs.open(path), 1 << 16);
      in.mark(2);
      int b1 = in.read();
      int b2 = in.read();
      in.reset();
      return b1 == 0x1f && b2 == 0x8b ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
    } catch (IllegalArgumentException e) {
      throw new DataException(uri + ": not a location a Hadoop file system takes (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new DataException(uri + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * Fails with a {@link DataException} naming {@code uri} when its file system cannot take it: a malformed
   * URI, a relative path with a colon, credentials in a {@code file:} URI, a scheme no file system serves.
   */
  public static void checkLocation(String uri, Configuration conf) {
    try {
      Path path = new Path(uri);
      path.getFileSystem(conf).makeQualified(path);
      if (path.getName().contains(":")) {
        throw new DataException(uri + ": Hadoop's file systems cannot read a file or folder whose name holds a colon"
            + " (they take the part before it for a URI scheme); rename it");
      }
    } catch (IllegalArgumentException e) {
      throw new DataException(uri + ": not a location a Hadoop file system takes (" + e.getMessage()
          + "); a colon in a relative path needs the file: scheme or an absolute path", e);
    } catch (IOException e) {
      throw new DataException(uri + ": no file system for it (" + e.getMessage() + ")", e);
    }
  }

  /** The length of {@code uri} when it is not gzip-compressed (what it holds as read), or -1 for a gzip file. */
  public static long plainLength(String uri, Configuration conf) {
    Path path = new Path(uri);
    try {
      FileSystem fs = path.getFileSystem(conf);
      try (java.io.InputStream in = fs.open(path)) {
        if (in.read() == 0x1f && in.read() == 0x8b) {
          return -1;
        }
      }
      return fs.getFileStatus(path).getLen();
    } catch (IOException e) {
      throw new DataException(uri + ": cannot read: " + e.getMessage(), e);
    }
  }
}
