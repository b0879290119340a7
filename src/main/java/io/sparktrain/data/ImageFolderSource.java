package io.sparktrain.data;

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
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

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
      io.sparktrain.data.Shape expected) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    io.sparktrain.data.Shape shape = expected != null ? expected : options.resize()
        ? io.sparktrain.data.Shape.image(options.height(), options.width(), options.channels())
        : firstImageShape(root, classNames, options, conf);
    Decoder decoder = new Decoder(new Path(root).toUri().getPath(), classNames, options, shape, false);
    return new ImageData(files(spark, root).map(decoder::decode), classNames, shape);
  }

  private static JavaRDD<Row> files(SparkSession spark, String root) {
    return spark.read().format("binaryFile")
        .option("recursiveFileLookup", "true")
        .option("pathGlobFilter", GLOB)
        .load(root)
        .select("path", "content")
        .javaRDD();
  }

  /**
   * Scoring: every image under {@code root}, decoded to the model's {@code shape}; the label from its class
   * folder when it sits in one of {@code classNames}' folders ({@link #folderName}), else none. The key of
   * each is its path.
   */
  static ScoringInput.Read scoring(SparkSession spark, String root, List<String> classNames, ImageOptions options,
      io.sparktrain.data.Shape shape, Quarantine q) {
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
    Decoder decoder = new Decoder(path.toUri().getPath(), folders, options, shape, true);
    JavaRDD<Keyed> keyed = files(spark, root).map(r -> new Keyed(new Object[] {r.getString(0)}, decoder.decode(r)));
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
      Configuration conf) {
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
          try (InputStream in = fs.open(f.getPath())) {
            BufferedImage img = ImageIO.read(in);
            if (img != null) {
              return io.sparktrain.data.Shape.image(img.getHeight(), img.getWidth(), options.channels());
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
      boolean labelOptional) implements Serializable {

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
      BufferedImage img;
      try {
        img = ImageIO.read(new ByteArrayInputStream((byte[]) row.get(1)));
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
