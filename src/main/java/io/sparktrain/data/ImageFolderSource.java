package io.sparktrain.data;

import io.sparktrain.config.DataLimits;
import io.sparktrain.config.ImageOptions;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Image folders in the ImageFolder layout, {@code root/<class-name>/<image>}: class names are the
 * sub-folder names, sorted, and their order gives the labels. Files are read with Spark's
 * {@code binaryFile} source and decoded with ImageIO on the executors (PNG, JPEG, GIF, BMP), resized
 * and converted to grey or RGB as configured. Undecodable files, images of the wrong size (without
 * resizing) and files outside a known class folder become rejected records.
 */
public final class ImageFolderSource {
  static final String GLOB = "*.{png,PNG,jpg,JPG,jpeg,JPEG,gif,GIF,bmp,BMP}";

  private ImageFolderSource() {}

  /** The parsed records, the class names (sorted) and the shape of every example. */
  public record ImageData(JavaRDD<Parsed> records, List<String> classNames, io.sparktrain.data.Shape shape) {}

  /** The class folders under {@code root}, sorted by name. */
  public static List<String> classes(String root, Configuration conf) {
    Path path = new Path(root);
    try {
      FileSystem fs = path.getFileSystem(conf);
      if (!fs.exists(path)) {
        throw new DataException(root + ": no such folder");
      }
      FileStatus[] entries = fs.listStatus(path, p -> !p.getName().startsWith(".") && !p.getName().startsWith("_"));
      List<String> names = new ArrayList<>();
      for (FileStatus e : entries) {
        if (e.isDirectory()) {
          names.add(e.getPath().getName());
        }
      }
      names.sort(String::compareTo);
      if (names.size() < 2) {
        throw new DataException(root + ": " + names.size() + " class folder(s) " + names + "; expected the ImageFolder "
            + "layout root/<class-name>/<image files> with at least 2 classes");
      }
      return List.copyOf(names);
    } catch (IOException e) {
      throw new DataException(root + ": cannot list: " + e.getMessage(), e);
    }
  }

  /**
   * @param classNames the class folder names that give the labels (the training set's for a test set)
   * @param expected the shape every image must have (null: the training set, shape from the options or the
   *     first image)
   */
  public static ImageData read(SparkSession spark, String root, List<String> classNames, ImageOptions options,
      io.sparktrain.data.Shape expected, DataLimits limits) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    io.sparktrain.data.Shape shape = expected != null ? expected : options.resize()
        ? io.sparktrain.data.Shape.image(options.height(), options.width(), options.channels())
        : firstImageShape(root, classNames, options, conf, limits);
    Decoder decoder = new Decoder(new Path(root).toUri().getPath(), classNames, options, shape, false, limits);
    return new ImageData(files(spark, root, limits).map(decoder::decode), classNames, shape);
  }

  /**
   * The image files as rows (path, content), content null for a file above {@code maxImageFileBytes}:
   * the binaryFile source applies the length filter before it reads a file, so such a file is never read.
   */
  private static JavaRDD<Row> files(SparkSession spark, String root, DataLimits limits) {
    Dataset<Row> all = spark.read().format("binaryFile")
        .option("recursiveFileLookup", "true")
        .option("pathGlobFilter", GLOB)
        .load(root);
    Column small = functions.col("length").leq(limits.maxImageFileBytes());
    Dataset<Row> read = all.filter(small).select(functions.col("path"), functions.col("content"));
    Dataset<Row> large = all.filter(functions.not(small))
        .select(functions.col("path"), functions.lit(null).cast(DataTypes.BinaryType).as("content"));
    return read.union(large).javaRDD();
  }

  /**
   * An image's width and height from its header, without decoding it; null when no ImageIO reader takes
   * it. The caller compares them with {@code data.limits.maxImagePixels} before decoding.
   */
  static int[] dimensions(javax.imageio.stream.ImageInputStream in) throws IOException {
    java.util.Iterator<javax.imageio.ImageReader> readers = ImageIO.getImageReaders(in);
    if (!readers.hasNext()) {
      return null;
    }
    javax.imageio.ImageReader reader = readers.next();
    try {
      reader.setInput(in, true, true);
      return new int[] {reader.getWidth(0), reader.getHeight(0)};
    } finally {
      reader.dispose();
    }
  }

  /** The image in {@code bytes}; null when ImageIO cannot decode it; throws when it declares too many pixels. */
  static BufferedImage decode(byte[] bytes, String uri, DataLimits limits) throws IOException {
    try (javax.imageio.stream.ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      int[] wh = dimensions(in);
      if (wh == null) {
        return null;
      }
      checkPixels(wh, uri, limits);
    }
    return ImageIO.read(new ByteArrayInputStream(bytes));
  }

  private static void checkPixels(int[] wh, String uri, DataLimits limits) {
    long pixels = (long) wh[0] * wh[1];
    if (wh[0] <= 0 || wh[1] <= 0 || pixels > limits.maxImagePixels()) {
      throw new TooLarge(uri + ": declares " + wh[0] + "x" + wh[1] + " pixels (" + pixels + "), more than"
          + " data.limits.maxImagePixels = " + limits.maxImagePixels() + "; nothing was decoded");
    }
  }

  /** An image whose header declares more pixels than the limit. */
  static final class TooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLarge(String message) {
      super(message);
    }
  }

  /**
   * Scoring: every image under {@code root}, decoded to the model's {@code shape}; the label from its class
   * folder when it sits in one of {@code classNames}' folders ({@link #folderName}), else none. The key of
   * each is its path.
   */
  static ScoringInput.Read scoring(SparkSession spark, String root, List<String> classNames, ImageOptions options,
      io.sparktrain.data.Shape shape, Quarantine q, DataLimits limits) {
    List<String> folders = classNames.stream().map(ImageFolderSource::folderName).toList();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path path = new Path(root);
    boolean labelled;
    try {
      FileSystem fs = path.getFileSystem(conf);
      if (!fs.exists(path)) {
        throw new DataException(root + ": no such folder");
      }
      labelled = Arrays.stream(fs.listStatus(path)).anyMatch(s -> s.isDirectory()
          && folders.contains(s.getPath().getName()));
    } catch (IOException e) {
      throw new DataException(root + ": cannot list: " + e.getMessage(), e);
    }
    Decoder decoder = new Decoder(path.toUri().getPath(), folders, options, shape, true, limits);
    JavaRDD<Keyed> keyed = files(spark, root, limits).map(r -> new Keyed(new Object[] {r.getString(0)}, decoder.decode(r)));
    return new ScoringInput.Read(q.kept(root, "input", keyed),
        List.of(org.apache.spark.sql.types.DataTypes.createStructField("path",
            org.apache.spark.sql.types.DataTypes.StringType, false)), labelled);
  }

  /**
   * The folder that holds a class's images: its name, with the characters that cannot be in a folder's
   * name ({@code /} and {@code \\}) written as {@code _} ("T-shirt/top" is in {@code T-shirt_top}).
   */
  public static String folderName(String className) {
    return className.replace('/', '_').replace('\\', '_');
  }

  private static io.sparktrain.data.Shape firstImageShape(String root, List<String> classes, ImageOptions options,
      Configuration conf, DataLimits limits) {
    for (String c : classes) {
      Path dir = new Path(root, c);
      try {
        FileSystem fs = dir.getFileSystem(conf);
        FileStatus[] files = fs.listStatus(dir, p -> !p.getName().startsWith("."));
        Arrays.sort(files);
        for (FileStatus f : files) {
          if (!f.isFile()) {
            continue;
          }
          if (f.getLen() > limits.maxImageFileBytes()) {
            continue;
          }
          try (InputStream in = fs.open(f.getPath());
              javax.imageio.stream.ImageInputStream image = ImageIO.createImageInputStream(in)) {
            int[] wh = image == null ? null : dimensions(image);
            if (wh != null) {
              try {
                checkPixels(wh, f.getPath().toString(), limits);
              } catch (TooLarge e) {
                throw new DataException(e.getMessage() + " (the first image of " + root + " gives every image's size)");
              }
              return io.sparktrain.data.Shape.image(wh[1], wh[0], options.channels());
            }
          }
        }
      } catch (IOException e) {
        throw new DataException(dir + ": cannot read: " + e.getMessage(), e);
      }
    }
    throw new DataException(root + ": no decodable image in any class folder");
  }

  /**
   * Decodes one file into an Example or a rejection; runs on the executors.
   *
   * @param labelOptional an image outside the class folders has no label (scoring), rather than being rejected
   */
  record Decoder(String rootPath, List<String> classNames, ImageOptions options, io.sparktrain.data.Shape shape,
      boolean labelOptional, DataLimits limits) implements Serializable {

    Parsed decode(Row row) {
      String uri = row.getString(0);
      String path = new Path(uri).toUri().getPath();
      String relative = path.startsWith(rootPath) ? path.substring(rootPath.length()).replaceFirst("^/+", "") : path;
      int slash = relative.indexOf('/');
      String folder = slash > 0 ? relative.substring(0, slash) : "";
      int label = classNames.indexOf(folder);
      if (label < 0 && labelOptional) {
        label = Keyed.UNLABELLED;
      } else if (label < 0) {
        return Parsed.rejected("label not in the class list", uri + ": folder '" + folder + "' is not one of the "
            + "classes " + classNames);
      }
      if (row.isNullAt(1)) {
        return Parsed.rejected("image file too large", uri + ": larger than data.limits.maxImageFileBytes = "
            + limits.maxImageFileBytes() + " bytes; not read");
      }
      BufferedImage img;
      try {
        img = ImageFolderSource.decode((byte[]) row.get(1), uri, limits);
      } catch (TooLarge e) {
        return Parsed.rejected("image too large", e.getMessage());
      } catch (IOException | RuntimeException e) {
        return Parsed.rejected("undecodable image", uri + ": " + e.getMessage());
      }
      if (img == null) {
        return Parsed.rejected("undecodable image", uri + ": not an image ImageIO can decode (PNG, JPEG, GIF, BMP)");
      }
      if (!options.resize() && (img.getHeight() != shape.height() || img.getWidth() != shape.width())) {
        return Parsed.rejected("wrong image size", uri + ": " + img.getHeight() + "x" + img.getWidth()
            + " pixels; expected " + shape.height() + "x" + shape.width() + " (set data.images.height and width to resize)");
      }
      if (img.getHeight() != shape.height() || img.getWidth() != shape.width()) {
        img = resized(img, shape.height(), shape.width());
      }
      return Parsed.ok(new Example(pixels(img, shape.channels()), label));
    }

    static BufferedImage resized(BufferedImage img, int height, int width) {
      BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = out.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(img, 0, 0, width, height, null);
      g.dispose();
      return out;
    }

    /** Row-major, channels last, values 0-255: luminance (ITU-R BT.601) for one channel, else R, G, B. */
    static float[] pixels(BufferedImage img, int channels) {
      int h = img.getHeight();
      int w = img.getWidth();
      float[] x = new float[h * w * channels];
      for (int y = 0; y < h; y++) {
        for (int i = 0; i < w; i++) {
          int rgb = img.getRGB(i, y);
          int r = (rgb >> 16) & 0xff;
          int g = (rgb >> 8) & 0xff;
          int b = rgb & 0xff;
          int at = (y * w + i) * channels;
          if (channels == 1) {
            x[at] = (float) (0.299 * r + 0.587 * g + 0.114 * b);
          } else {
            x[at] = r;
            x[at + 1] = g;
            x[at + 2] = b;
          }
        }
      }
      return x;
    }
  }
}
