package io.sparktrain.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs here, so the images are not built in the tests. What can be checked is: every
 * file a Dockerfile copies exists after `mvn package` (the GPU jar: under the name the gpu profile
 * gives it), the base images are the documented ones, and the scripts the images run parse.
 */
class DockerfilesIT {
  static final Pattern COPY = Pattern.compile("^COPY (?!--from)(?:--chown=\\S+ )?(\\S+) (\\S+)$", Pattern.MULTILINE);

  static List<String> copied(String dockerfile) throws IOException {
    Matcher m = COPY.matcher(Files.readString(Path.of(dockerfile)));
    List<String> sources = new ArrayList<>();
    while (m.find()) {
      sources.add(m.group(1));
    }
    return sources;
  }

  @Test
  void cpuImage_copiesFilesThatExistAfterPackage() throws IOException {
    List<String> sources = copied("docker/Dockerfile");
    assertThat(sources).contains("target/sparktrain.jar", "conf/", "submit-scripts/k8s/getGpusResources.sh");
    for (String source : sources) {
      assertThat(Path.of(source)).as(source).exists();
    }
    assertThat(Files.readString(Path.of("docker/Dockerfile")))
        .contains("ARG SPARK_IMAGE=apache/spark:3.5.6-scala2.12-java17-ubuntu");
  }

  @Test
  void gpuImage_cudaBaseAndTheGpuProfileJar() throws IOException {
    String text = Files.readString(Path.of("docker/Dockerfile.gpu"));
    assertThat(text).contains("FROM nvidia/cuda:11.6.2-cudnn8-runtime-ubuntu20.04").contains("openjdk-17-jre-headless");
    for (String source : copied("docker/Dockerfile.gpu")) {
      if (source.equals("target/sparktrain-gpu.jar")) {
        assertThat(Files.readString(Path.of("pom.xml"))).contains("<app.jar.name>sparktrain-gpu</app.jar.name>");
      } else {
        assertThat(Path.of(source)).as(source).exists();
      }
    }
  }

  @Test
  void scripts_parseAndAreExecutable() throws Exception {
    for (String script : List.of("docker/entrypoint.sh", "submit-scripts/k8s/getGpusResources.sh", "bin/sparktrain",
        "submit-scripts/submit-local.sh", "submit-scripts/submit-standalone.sh", "submit-scripts/submit-yarn.sh",
        "submit-scripts/submit-k8s.sh", "bench/gpu-smoke.sh", "bench/throughput.sh", "bench/save-updater.sh")) {
      assertThat(Files.isExecutable(Path.of(script))).as(script).isTrue();
      Process p = new ProcessBuilder("bash", "-n", script).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor()).as(script + ": " + out).isZero();
    }
  }

  @Test
  void gpuDiscoveryScript_printsSparkResourceJson() throws Exception {
    Process p = new ProcessBuilder("submit-scripts/k8s/getGpusResources.sh").start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    assertThat(p.waitFor()).isZero();
    assertThat(out).startsWith("{\"name\": \"gpu\", \"addresses\": [");
  }
}
