package io.sparktrain.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real S3 API for the tests: s3proxy (its filesystem backend) as its own process on loopback, with
 * one bucket, {@code bucket}. It can be stopped and started again on the same port and store, as an
 * endpoint that goes away and comes back.
 */
public final class S3Proxy implements AutoCloseable {
  public static final String ACCESS = "sparktrain-test-access";
  public static final String SECRET = "sparktrain-test-secret-0123456789";

  private final Path dir;
  private final int port;
  private Process process;

  private S3Proxy(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Starts s3proxy with its store under {@code dir}. */
  public static S3Proxy start(Path dir) throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.createDirectories(dir.resolve("store/bucket"));
    S3Proxy proxy = new S3Proxy(dir, port);
    proxy.startAgain();
    return proxy;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** Starts the stopped proxy on the same port and store. */
  public void startAgain() throws IOException, InterruptedException {
    Path jar = Path.of("target/s3proxy/s3proxy.jar");
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError(jar + " is missing: the build copies it (maven-dependency-plugin, execution s3proxy)");
    }
    Path properties = Files.writeString(dir.resolve("s3proxy.conf"), String.join("\n",
        "s3proxy.endpoint=" + endpoint(),
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS,
        "s3proxy.credential=" + SECRET,
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + dir.resolve("store"), ""), StandardCharsets.UTF_8);
    process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        jar.toString(), "--properties", properties.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3proxy.log").toFile()))
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new AssertionError("s3proxy did not start: " + Files.readString(dir.resolve("s3proxy.log")), e);
        }
        Thread.sleep(200);
      }
    }
  }

  /** Kills the proxy (SIGKILL): the endpoint stops answering at once. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** The S3A settings that reach this proxy, as Spark settings ({@code spark.hadoop.*}). */
  public Map<String, String> sparkSettings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("spark.hadoop.fs.s3a.endpoint", endpoint());
    m.put("spark.hadoop.fs.s3a.path.style.access", "true");
    m.put("spark.hadoop.fs.s3a.connection.ssl.enabled", "false");
    m.put("spark.hadoop.fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    m.put("spark.hadoop.fs.s3a.access.key", ACCESS);
    m.put("spark.hadoop.fs.s3a.secret.key", SECRET);
    m.put("spark.hadoop.fs.s3a.change.detection.version.required", "false");
    // Keep directory markers: S3A otherwise deletes the parent "directory" markers after every write, a
    // bulk DELETE that s3proxy's filesystem store answers only after S3A's 200 s socket timeout.
    m.put("spark.hadoop.fs.s3a.directory.marker.retention", "keep");
    return m;
  }

  /** The same settings for a Hadoop {@code Configuration}. */
  public org.apache.hadoop.conf.Configuration hadoop() {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    sparkSettings().forEach((k, v) -> conf.set(k.substring("spark.hadoop.".length()), v));
    // Hadoop caches a FileSystem per scheme and bucket: another test's proxy on another port would
    // otherwise answer for s3a://bucket/ (and a stopped one hang every call in retries).
    conf.setBoolean("fs.s3a.impl.disable.cache", true);
    return conf;
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroy();
    }
  }
}
