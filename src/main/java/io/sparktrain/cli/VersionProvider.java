package io.sparktrain.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** The version from the build, for --version. */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() throws IOException {
    Properties p = new Properties();
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("io/sparktrain/build.properties")) {
      if (in != null) {
        p.load(in);
      }
    }
    return new String[] {"sparktrain " + p.getProperty("sparktrain.version", "unknown")
        + " (Spark " + p.getProperty("spark.version", "?") + ", DL4J " + p.getProperty("dl4j.version", "?") + ")"};
  }
}
