package io.sparktrain.serve;

import io.sparktrain.config.CsvOptions;
import io.sparktrain.config.DataConfig;
import io.sparktrain.config.ImageOptions;
import io.sparktrain.config.JobConfig;
import io.sparktrain.config.ParquetOptions;
import io.sparktrain.data.DataException;
import io.sparktrain.data.FeatureScaler;
import io.sparktrain.data.ScoringInput;
import io.sparktrain.data.Shape;
import io.sparktrain.data.Splits;
import io.sparktrain.data.StorageException;
import io.sparktrain.report.schema.ModelManifest;
import io.sparktrain.report.schema.RunJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;
import org.nd4j.linalg.dataset.api.preprocessor.ImagePreProcessingScaler;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerMinMaxScaler;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.nd4j.linalg.factory.Nd4j;

/**
 * model.zip: DL4J's model zip (configuration.json, coefficients.bin, updaterState.bin; plain DL4J
 * restores it with {@code ModelSerializer.restoreMultiLayerNetwork}) with DL4J's normaliser entry
 * (normalizer.bin, read by {@code ModelSerializer.restoreNormalizerFromFile}) and
 * {@link ModelManifest#ENTRY}, so that the model can be used without its run directory.
 */
public final class ModelFile {
  public static final String FILE = "model.zip";
  /**
   * The entries a model.zip may hold: DL4J's (no preprocessor.bin or objects/, which DL4J reads with
   * Java deserialization), the normaliser and the manifest.
   */
  static final java.util.Set<String> ENTRIES = java.util.Set.of("configuration.json", "coefficients.bin",
      "updaterState.bin", "noParams.marker", ModelSerializer.NORMALIZER_BIN, ModelManifest.ENTRY);
  /** The largest model.zip read into memory (1 GiB). */
  static final long MAX_BYTES = 1L << 30;

  private ModelFile() {}

  /** A model.zip as read: its bytes, its manifest and its SHA-256. */
  public record Loaded(String uri, byte[] bytes, ModelManifest manifest, String sha256) {
    public FeatureScaler scaler() {
      ModelManifest.Normalization n = manifest.normalization();
      return new FeatureScaler(n.kind(), n.offset(), n.scale());
    }

    public Shape shape() {
      ModelManifest.Input in = manifest.input();
      if (in.sequence()) {
        // Scoring reads rows and images; a sequence model is evaluated by the run that trained it.
        throw new io.sparktrain.data.DataException(uri + ": a sequence model (" + Shape.sequence(in.height(), in.width())
            + "); predict, evaluate and serve score rows and images only");
      }
      return in.image() ? Shape.image(in.height(), in.width(), in.channels()) : Shape.features(in.width());
    }

    public List<String> classNames() {
      return manifest.classNames();
    }

    /** What the model takes and how its data were read, for {@link ScoringInput}. */
    public ScoringInput.Model scoring() {
      ModelManifest.Source s = manifest.source();
      CsvOptions csv = s.csv() == null ? null
          : new CsvOptions(s.csv().header(), s.csv().delimiter().charAt(0), s.csv().label());
      ParquetOptions parquet = s.parquet() == null ? null
          : new ParquetOptions(s.parquet().label(), s.parquet().features(), s.parquet().imageShape());
      ImageOptions images = s.images() == null ? null
          : new ImageOptions(s.images().height(), s.images().width(), s.images().grayscale());
      return new ScoringInput.Model(shape(), manifest.input().features(), classNames(), csv, parquet, images,
          s.maxRejectedFraction());
    }

    /** The network, restored from the bytes (without its updater state). */
    public MultiLayerNetwork network() {
      return restore(uri, bytes);
    }

    /**
     * This model, once its network restores with one output per class (a damaged coefficients.bin or a
     * manifest from another model fails here, on the driver, naming the file).
     */
    public Loaded checked() {
      MultiLayerNetwork net = network();
      long outputs = net.layerSize(net.getnLayers() - 1);
      if (outputs != classNames().size()) {
        throw new DataException(uri + ": the network has " + outputs + " outputs but its manifest names "
            + classNames().size() + " classes");
      }
      return this;
    }
  }

  /** The network of a model.zip's bytes; {@code uri} names the file when they are not a DL4J model. */
  static MultiLayerNetwork restore(String uri, byte[] bytes) {
    // The layers are created here, also on the executors of an application that is not sparktrain's (a
    // Spark ML pipeline scoring with SparktrainModel): their oneDNN implementations must be on first.
    io.sparktrain.model.NativeHelpers.enable();
    try {
      return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), false);
    } catch (IOException | RuntimeException e) {
      throw new DataException(uri + ": not a DL4J multi-layer network that this version can load: " + e, e);
    }
  }

  /** model.zip's bytes: the network with its updater state, the normaliser and the manifest. */
  public static byte[] write(MultiLayerNetwork network, ModelManifest manifest, FeatureScaler scaler) {
    try {
      ByteArrayOutputStream dl4j = new ByteArrayOutputStream();
      DataNormalization normalizer = normalizer(scaler);
      // DL4J's writeModel(..., normalizer) closes its zip stream inside NormalizerSerializer.write and then
      // fails to flush it; the normaliser entry is written here instead, in the same format.
      ModelSerializer.writeModel(network, dl4j, true);
      ByteArrayOutputStream out = new ByteArrayOutputStream(dl4j.size() + 64 * 1024);
      try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(dl4j.toByteArray()));
          ZipOutputStream zip = new ZipOutputStream(out)) {
        for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
          zip.putNextEntry(new ZipEntry(e.getName()));
          in.transferTo(zip);
          zip.closeEntry();
        }
        if (normalizer != null) {
          zip.putNextEntry(new ZipEntry(ModelSerializer.NORMALIZER_BIN));
          org.nd4j.linalg.dataset.api.preprocessor.serializer.NormalizerSerializer.getDefault()
              .write(normalizer, new java.io.FilterOutputStream(zip) {
                @Override
                public void close() throws IOException {
                  flush();
                }
              });
          zip.closeEntry();
        }
        zip.putNextEntry(new ZipEntry(ModelManifest.ENTRY));
        zip.write(RunJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        zip.closeEntry();
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new StorageException("cannot write model.zip: " + e.getMessage(), e);
    }
  }

  /**
   * DL4J's own normaliser for the scaler, so plain DL4J scales as sparktrain did: standardize as
   * NormalizerStandardize (mean, 1 / inverse std); scale by 1/255 as ImagePreProcessingScaler (8 bits),
   * by another factor as NormalizerMinMaxScaler from 0..scaleMax; none: no normaliser.
   */
  static DataNormalization normalizer(FeatureScaler scaler) {
    switch (scaler.kind()) {
      case "standardize": {
        float[] std = new float[scaler.scale().length];
        for (int i = 0; i < std.length; i++) {
          std[i] = 1f / scaler.scale()[i];
        }
        return new NormalizerStandardize(Nd4j.create(scaler.offset(), new long[] {1, std.length}, 'c'),
            Nd4j.create(std, new long[] {1, std.length}, 'c'));
      }
      case "scale": {
        float factor = scaler.scale()[0];
        if (factor == (float) (1.0 / 255)) {
          return new ImagePreProcessingScaler(0, 1, 8);
        }
        NormalizerMinMaxScaler minMax = new NormalizerMinMaxScaler(0, 1);
        minMax.setFeatureStats(Nd4j.zeros(1, 1), Nd4j.scalar(1.0 / factor).reshape(1, 1));
        return minMax;
      }
      default:
        return null;
    }
  }

  /** The manifest of a model trained on {@code data} by {@code job}. */
  public static ModelManifest manifest(JobConfig job, Splits data, String version, String createdAt) {
    Shape shape = data.shape();
    DataConfig d = job.data();
    FeatureScaler scaler = data.scaler();
    String format = d.format();
    ModelManifest.Source source = new ModelManifest.Source(format, d.maxRejectedFraction(),
        format.equals("csv") ? new ModelManifest.Csv(d.csv().header(), String.valueOf(d.csv().delimiter()),
            d.csv().label()) : null,
        format.equals("parquet") ? new ModelManifest.Parquet(d.parquet().label(), d.parquet().features(),
            d.parquet().imageShape()) : null,
        format.equals("images") ? new ModelManifest.Images(d.images().height(), d.images().width(),
            d.images().grayscale()) : null);
    return new ModelManifest(ModelManifest.VERSION, job.name(), data.classNames(),
        new ModelManifest.Input(shape.height(), shape.width(), shape.channels(), shape.image(),
            shape.sequence() ? "one sequence per example: time steps in order, each step's features together"
                : "one flat row per example: row-major, channels last", data.featureNames(), shape.sequence()),
        new ModelManifest.Normalization(scaler.kind(), scaler.offset(), scaler.scale()), source, version, createdAt);
  }

  /** Reads and checks a model.zip; {@code sha256}, when not null, is the digest it must have. */
  public static Loaded read(String uri, Configuration conf, String sha256) {
    byte[] bytes = bytes(uri, conf);
    String digest = sha256(bytes);
    if (sha256 != null && !sha256.equalsIgnoreCase(digest)) {
      throw new DataException(uri + ": SHA-256 " + digest + " differs from the recorded " + sha256
          + "; the file changed or was damaged after it was written");
    }
    return parse(uri, bytes, digest);
  }

  static Loaded parse(String uri, byte[] bytes, String digest) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(bytes))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        if (e.getName().equals(ModelManifest.ENTRY) || e.getName().equals("configuration.json")) {
          entries.put(e.getName(), in.readNBytes(16 << 20));
        } else {
          entries.put(e.getName(), null);
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new DataException(uri + ": not a zip file (" + e.getMessage() + "); expected a sparktrain model.zip", e);
    }
    if (entries.isEmpty()) {
      throw new DataException(uri + ": not a zip file; expected a sparktrain model.zip");
    }
    if (!entries.containsKey("configuration.json") || !entries.containsKey("coefficients.bin")) {
      throw new DataException(uri + ": a zip file without configuration.json and coefficients.bin, so not a DL4J "
          + "model; expected a sparktrain model.zip (it holds " + String.join(", ", entries.keySet().stream().limit(5)
              .toList()) + ")");
    }
    for (String name : entries.keySet()) {
      if (!ENTRIES.contains(name)) {
        throw new DataException(uri + ": holds '" + name + "', which a sparktrain model.zip never holds"
            + (name.equals("preprocessor.bin") || name.startsWith("objects/")
                ? " (DL4J would read it with Java deserialization, which can run code of the file's choosing)" : "")
            + "; refused before anything in it is deserialized");
      }
    }
    byte[] manifest = entries.get(ModelManifest.ENTRY);
    if (manifest == null) {
      throw new DataException(uri + ": a DL4J model without " + ModelManifest.ENTRY + ": it was written by an earlier "
          + "sparktrain (or by plain DL4J), without the normalisation statistics, class names and input shape that "
          + "predict and evaluate need; train the job again to get a model that carries them");
    }
    ModelManifest m = RunJson.manifest(new String(manifest, StandardCharsets.UTF_8), uri + "!/" + ModelManifest.ENTRY);
    if (m.version() > ModelManifest.VERSION) {
      throw new DataException(uri + ": " + ModelManifest.ENTRY + " of version " + m.version() + ", newer than this "
          + "sparktrain reads (" + ModelManifest.VERSION + "); use sparktrain " + m.sparktrainVersion() + " or newer");
    }
    return new Loaded(uri, bytes, m, digest);
  }

  private static byte[] bytes(String uri, Configuration conf) {
    Path path = new Path(uri);
    try {
      FileSystem fs = path.getFileSystem(conf);
      if (!fs.exists(path)) {
        throw new DataException(uri + ": no such file; expected a sparktrain model.zip");
      }
      long length = fs.getFileStatus(path).getLen();
      if (length > MAX_BYTES) {
        throw new DataException(uri + ": " + length + " bytes, more than the " + MAX_BYTES + " a model.zip may have");
      }
      try (InputStream in = fs.open(path)) {
        return in.readAllBytes();
      }
    } catch (IOException e) {
      throw new DataException(uri + ": cannot read: " + e.getMessage(), e);
    }
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
