package io.sparktrain.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparktrain.config.ConfigException;
import io.sparktrain.data.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSourceTest {
  @TempDir
  Path dir;

  @Test
  void names_pathOrRegistryWithOptionalVersion() {
    assertThat(ModelSource.parse("runs/a", null)).isEqualTo(new ModelSource.Path("runs/a"));
    assertThat(ModelSource.parse("registry://fashion", "hdfs:///reg"))
        .isEqualTo(new ModelSource.Registered("hdfs:///reg", "fashion", null));
    assertThat(ModelSource.parse("registry://fashion@v12", "s3a://b/reg"))
        .isEqualTo(new ModelSource.Registered("s3a://b/reg", "fashion", "v12"));
  }

  @Test
  void badRegistryNames_sayWhatIsExpected() {
    assertThatThrownBy(() -> ModelSource.parse("registry://fashion", null)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("--registry").hasMessageContaining("SPARKTRAIN_REGISTRY");
    assertThatThrownBy(() -> ModelSource.parse("registry://fashion@12", "r")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("v1, v2").hasMessageContaining("'12'");
    assertThatThrownBy(() -> ModelSource.parse("registry://a/b", "r")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("registry://NAME@vN");
  }

  @Test
  void runDirectory_modelCheckedAgainstTheSummarysDigest() throws IOException {
    Path run = Files.createDirectories(dir.resolve("run"));
    byte[] zip = TinyModel.zip(TinyModel.network());
    Files.write(run.resolve("model.zip"), zip);
    ModelSource source = ModelSource.parse(run.toString(), null);
    assertThat(source.load(new Configuration()).sha256()).as("no summary.json: nothing to check against")
        .isEqualTo(ModelFile.sha256(zip));

    // The golden summary of a completed run, with the model's digest changed.
    com.fasterxml.jackson.databind.node.ObjectNode summary = (com.fasterxml.jackson.databind.node.ObjectNode)
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(Path.of("src/test/resources/golden/summary.json")
            .toFile());
    summary.putObject("model").put("file", "model.zip").put("sha256", "ab".repeat(32)).put("bytes", zip.length);
    Files.writeString(run.resolve("summary.json"), summary.toString());
    assertThatThrownBy(() -> source.load(new Configuration())).isInstanceOf(DataException.class)
        .hasMessageContaining("model.zip").hasMessageContaining("ab".repeat(32))
        .hasMessageContaining("differs from the recorded");
    assertThatThrownBy(() -> ModelSource.parse(run.resolve("model.zip").toString(), null).load(new Configuration()))
        .as("the run's model.zip named directly").isInstanceOf(DataException.class)
        .hasMessageContaining("differs from the recorded");
  }

  @Test
  void folderWithoutModel_orNothingThere_namesThePath() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> ModelSource.parse(empty.toString(), null).load(new Configuration()))
        .isInstanceOf(DataException.class).hasMessageContaining(empty + ": a folder without model.zip");
    assertThatThrownBy(() -> ModelSource.parse(dir.resolve("none").toString(), null).load(new Configuration()))
        .isInstanceOf(DataException.class).hasMessageContaining("none: no such file or folder");
  }
}
