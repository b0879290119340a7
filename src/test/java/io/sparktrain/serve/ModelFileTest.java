package io.sparktrain.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparktrain.data.DataException;
import io.sparktrain.data.Example;
import io.sparktrain.data.FeatureScaler;
import io.sparktrain.report.schema.ModelManifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;
import org.nd4j.linalg.factory.Nd4j;

class ModelFileTest {
  @TempDir
  Path dir;

  private static final Configuration CONF = new Configuration();

  @Test
  void modelZip_roundTrips_manifestNetworkAndDigest() throws IOException {
    MultiLayerNetwork net = TinyModel.network();
    Path zip = Files.write(dir.resolve("model.zip"), TinyModel.zip(net));
    ModelFile.Loaded loaded = ModelFile.read(zip.toString(), CONF, null).checked();
    assertThat(loaded.classNames()).isEqualTo(TinyModel.CLASSES);
    assertThat(loaded.shape().size()).isEqualTo(4);
    assertThat(loaded.manifest().input().features()).containsExactly("a", "b", "c", "d");
    assertThat(loaded.scaler().offset()).isEqualTo(TinyModel.SCALER.offset());
    assertThat(loaded.sha256()).isEqualTo(ModelFile.sha256(Files.readAllBytes(zip))).hasSize(64);
    assertThat(loaded.network().params()).isEqualTo(net.params());
    assertThat(ModelFile.read(zip.toString(), CONF, loaded.sha256().toUpperCase()).sha256()).isEqualTo(loaded.sha256());
  }

  @Test
  void plainDl4j_restoresTheNetworkAndANormaliserThatScalesAsTraining() throws Exception {
    MultiLayerNetwork net = TinyModel.network();
    Path zip = Files.write(dir.resolve("model.zip"), TinyModel.zip(net));
    assertThat(ModelSerializer.restoreMultiLayerNetwork(zip.toFile()).params()).isEqualTo(net.params());
    DataNormalization normalizer = ModelSerializer.restoreNormalizerFromFile(zip.toFile());
    float[] raw = {11f, 0f, 0.75f, 250f};
    var features = Nd4j.create(raw, new long[] {1, 4}, 'c');
    normalizer.transform(features);
    assertThat(features.toFloatVector()).usingComparatorWithPrecision(1e-4f)
        .containsExactly(TinyModel.SCALER.apply(new Example(raw, 0)).features());
  }

  @Test
  void imageScaling_travelsAsDl4jsImageScaler() throws Exception {
    FeatureScaler scale = new FeatureScaler("scale", null, new float[] {1f / 255});
    ModelManifest m = TinyModel.manifest(TinyModel.CLASSES);
    Path zip = Files.write(dir.resolve("model.zip"), ModelFile.write(TinyModel.network(), new ModelManifest(m.version(),
        m.job(), m.classNames(), m.input(), new ModelManifest.Normalization("scale", null, scale.scale()), m.source(),
        m.sparktrainVersion(), m.createdAt()), scale));
    DataNormalization normalizer = ModelSerializer.restoreNormalizerFromFile(zip.toFile());
    float[] raw = {0f, 51f, 255f, 128f};
    var features = Nd4j.create(raw, new long[] {1, 4}, 'c');
    normalizer.transform(features);
    assertThat(features.toFloatVector()).usingComparatorWithPrecision(1e-6f)
        .containsExactly(scale.apply(new Example(raw, 0)).features());
  }

  @Test
  void changedFile_failsNamingItAndBothDigests() throws IOException {
    Path zip = Files.write(dir.resolve("model.zip"), TinyModel.zip(TinyModel.network()));
    String recorded = "0".repeat(64);
    assertThatThrownBy(() -> ModelFile.read(zip.toString(), CONF, recorded)).isInstanceOf(DataException.class)
        .hasMessageContaining(zip.toString()).hasMessageContaining(recorded)
        .hasMessageContaining(ModelFile.sha256(Files.readAllBytes(zip)));
  }

  @Test
  void notAZip_foreignZip_plainDl4jZip_missingFile_eachSaysWhat() throws IOException {
    Path text = Files.writeString(dir.resolve("notes.zip"), "just some text, not a zip");
    assertThatThrownBy(() -> ModelFile.read(text.toString(), CONF, null)).isInstanceOf(DataException.class)
        .hasMessageStartingWith(text.toString()).hasMessageContaining("not a zip file");

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      out.putNextEntry(new ZipEntry("photos/cat.jpg"));
      out.write(new byte[] {1, 2, 3});
    }
    Path foreign = Files.write(dir.resolve("photos.zip"), bytes.toByteArray());
    assertThatThrownBy(() -> ModelFile.read(foreign.toString(), CONF, null)).isInstanceOf(DataException.class)
        .hasMessageStartingWith(foreign.toString()).hasMessageContaining("not a DL4J model")
        .hasMessageContaining("photos/cat.jpg");

    Path plain = dir.resolve("plain.zip");
    ModelSerializer.writeModel(TinyModel.network(), plain.toFile(), false);
    assertThatThrownBy(() -> ModelFile.read(plain.toString(), CONF, null)).isInstanceOf(DataException.class)
        .hasMessageStartingWith(plain.toString()).hasMessageContaining("without sparktrain.json")
        .hasMessageContaining("train the job again");

    assertThatThrownBy(() -> ModelFile.read(dir.resolve("gone.zip").toString(), CONF, null))
        .isInstanceOf(DataException.class).hasMessageContaining("gone.zip: no such file");
  }

  /** DL4J reads preprocessor.bin with ObjectInputStream.readObject: a model.zip holding one is refused unread. */
  @Test
  void javaSerializedEntry_refusedBeforeDeserializing() throws IOException {
    byte[] good = TinyModel.zip(TinyModel.network());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(good));
        ZipOutputStream out = new ZipOutputStream(bytes)) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        out.putNextEntry(new ZipEntry(e.getName()));
        in.transferTo(out);
      }
      out.putNextEntry(new ZipEntry("preprocessor.bin"));
      try (java.io.ObjectOutputStream o = new java.io.ObjectOutputStream(new java.io.FilterOutputStream(out) {
        @Override
        public void close() throws IOException {
          flush();
        }
      })) {
        o.writeObject(new java.util.ArrayList<>(List.of("gadget")));
      }
    }
    Path zip = Files.write(dir.resolve("hostile.zip"), bytes.toByteArray());
    assertThatThrownBy(() -> ModelFile.read(zip.toString(), CONF, null)).isInstanceOf(DataException.class)
        .hasMessage(zip + ": holds 'preprocessor.bin', which a sparktrain model.zip never holds (DL4J would read it"
            + " with Java deserialization, which can run code of the file's choosing); refused before anything in it"
            + " is deserialized");
  }

  @Test
  void manifestThatDoesNotFitTheNetwork_failsOnTheDriverNamingTheFile() throws IOException {
    Path zip = Files.write(dir.resolve("model.zip"), ModelFile.write(TinyModel.network(),
        TinyModel.manifest(List.of("a", "b")), TinyModel.SCALER));
    ModelFile.Loaded loaded = ModelFile.read(zip.toString(), CONF, null);
    assertThatThrownBy(loaded::checked).isInstanceOf(DataException.class).hasMessageStartingWith(zip.toString())
        .hasMessageContaining("3 outputs but its manifest names 2 classes");
  }
}
