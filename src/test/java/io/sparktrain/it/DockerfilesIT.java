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
  }

  /** A property of the pom, such as spark.version. */
  static String pom(String property) throws IOException {
    Matcher m = Pattern.compile("<" + Pattern.quote(property) + ">([^<]+)</").matcher(Files.readString(Path.of("pom.xml")));
    assertThat(m.find()).as("pom.xml sets " + property).isTrue();
    return m.group(1);
  }

  @Test
  void images_sparkScalaAndJavaVersionsAreThePoms() throws IOException {
    String expected = "ARG SPARK_IMAGE=apache/spark:" + pom("spark.version") + "-scala" + pom("scala.binary.version")
        + "-java" + pom("maven.compiler.release") + "-ubuntu";
    for (String dockerfile : List.of("docker/Dockerfile", "docker/Dockerfile.gpu")) {
      assertThat(Files.readString(Path.of(dockerfile))).as(dockerfile).contains(expected);
    }
    // The GPU image installs its own Java (Spark comes from the Spark image): the same release.
    assertThat(Files.readString(Path.of("docker/Dockerfile.gpu")))
        .contains("openjdk-" + pom("maven.compiler.release") + "-jre-headless");
  }

  /**
   * dockerfilelint from the npm registry (no Dockerfile linter is packaged by Debian or on Maven Central),
   * installed into target/ on first use; docker/.dockerfilelintrc holds its settings.
   */
  @Test
  void dockerfiles_passTheLinter() throws Exception {
    Path prefix = Path.of("target", "dockerfilelint").toAbsolutePath();
    Path lint = prefix.resolve("node_modules/.bin/dockerfilelint");
    if (!Files.isExecutable(lint)) {
      Process install = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", prefix.toString(),
          "dockerfilelint@1.8.0").redirectErrorStream(true).start();
      String out = new String(install.getInputStream().readAllBytes());
      assertThat(install.waitFor()).as("npm install dockerfilelint: " + out).isZero();
    }
    Process p = new ProcessBuilder(lint.toString(), "-c", "docker", "docker/Dockerfile", "docker/Dockerfile.gpu")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
    assertThat(out).contains("File:   docker/Dockerfile\nIssues: None found")
        .contains("File:   docker/Dockerfile.gpu\nIssues: None found");
    // The linter is not a no-op: a careless Dockerfile fails it.
    Path careless = Files.writeString(prefix.resolve("Dockerfile.careless"),
        "FROM ubuntu:22.04\nRUN apt-get update && apt-get install curl\n");
    Process bad = new ProcessBuilder(lint.toString(), careless.toString()).redirectErrorStream(true).start();
    String badOut = new String(bad.getInputStream().readAllBytes());
    assertThat(bad.waitFor()).as(badOut).isNotZero();
    assertThat(badOut).contains("apt-get");
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
