package io.sparktrain.publish;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** Where a run came from: the versions of sparktrain and its stack, and the git commit of the job's code. */
public final class Provenance {
  private static final String BUILD_RESOURCE = "io/sparktrain/build.properties";

  private Provenance() {}

  public static Map<String, String> versions(String sparkVersion) {
    Properties build = build();
    Map<String, String> out = new LinkedHashMap<>();
    out.put("sparktrain", build.getProperty("sparktrain.version", "unknown"));
    out.put("java", System.getProperty("java.version"));
    out.put("spark", sparkVersion);
    out.put("scala", scala.util.Properties.versionNumberString());
    out.put("dl4j", build.getProperty("dl4j.version", "unknown"));
    out.put("dl4jSpark", build.getProperty("dl4j.spark.version", "unknown"));
    out.put("nd4jBackend", org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName());
    return out;
  }

  /**
   * The git commit: the {@code sparktrain.gitCommit} system property (set by bin/sparktrain and the
   * submit scripts), else {@code git rev-parse HEAD} in the working folder, else "unknown".
   */
  public static String gitCommit() {
    String fromProperty = System.getProperty("sparktrain.gitCommit", "").trim();
    if (!fromProperty.isEmpty()) {
      return fromProperty;
    }
    try {
      Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "unknown";
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : "unknown";
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  private static Properties build() {
    Properties p = new Properties();
    try (InputStream in = Provenance.class.getClassLoader().getResourceAsStream(BUILD_RESOURCE)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // Versions then read "unknown"; the run itself is unaffected.
    }
    return p;
  }
}
