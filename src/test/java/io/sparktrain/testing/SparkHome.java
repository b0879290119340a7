package io.sparktrain.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A Spark home without a Spark download, for the cluster tests: {@code jars/} links to target/spark-jars
 * (Spark's jars with its YARN and Kubernetes modules, as a distribution ships them), {@code conf/} holds the
 * project's log4j2.properties, and {@code bin/spark-submit} runs the SparkSubmit class from those jars with
 * Spark's Java 17 module options, adding {@code $HADOOP_CONF_DIR} to the class path as Spark's own
 * launcher does (so {@code --master yarn} finds yarn-site.xml).
 */
public final class SparkHome {
  private SparkHome() {}

  /** Makes (or completes) a Spark home at {@code home}; returns it. */
  public static Path make(Path home) throws IOException {
    Path jars = Files.createDirectories(home.resolve("jars"));
    try (var list = Files.list(Path.of("target", "spark-jars"))) {
      for (Path jar : list.toList()) {
        Path link = jars.resolve(jar.getFileName());
        if (!Files.exists(link)) {
          Files.createSymbolicLink(link, jar.toAbsolutePath());
        }
      }
    }
    Path conf = Files.createDirectories(home.resolve("conf"));
    Files.copy(Path.of("conf", "log4j2.properties"), conf.resolve("log4j2.properties"),
        StandardCopyOption.REPLACE_EXISTING);
    Path submit = Files.createDirectories(home.resolve("bin")).resolve("spark-submit");
    Files.writeString(submit, "#!/usr/bin/env bash\nexec java " + opens() + " -cp \"" + conf
        + ":${HADOOP_CONF_DIR:+$HADOOP_CONF_DIR:}" + jars + "/*\" org.apache.spark.deploy.SparkSubmit \"$@\"\n");
    Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home;
  }

  /** Spark's --add-opens list for Java 17, as the pom gives it to the test JVMs. */
  public static String opens() throws IOException {
    String pom = Files.readString(Path.of("pom.xml"));
    return pom.substring(pom.indexOf("<spark.add.opens>") + 17, pom.indexOf("</spark.add.opens>"));
  }
}
