package io.sparktrain.preflight;

import io.sparktrain.config.DataConfig;
import io.sparktrain.config.JobConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The checks of {@code sparktrain doctor}. Each runs on its own thread with a timeout, so a hanging name
 * node or master costs seconds, not the run; none prints a secret.
 */
public final class Doctor {
  /** What to check: the job (may be null), where it will write, the target master and executor sizing. */
  public record Target(JobConfig job, String output, String master, String executorMemory, String offheap,
      Map<String, String> sparkConf) {}

  private final Target target;
  private final long timeoutSeconds;
  private final Configuration hadoop;
  private final Map<String, String> env;
  private final java.nio.file.Path home;

  public Doctor(Target target, long timeoutSeconds) {
    this(target, timeoutSeconds, System.getenv(), java.nio.file.Path.of(System.getProperty("user.home")));
  }

  /** With the environment variables and home folder the checks look in (credentials, HADOOP_CONF_DIR). */
  Doctor(Target target, long timeoutSeconds, Map<String, String> env, java.nio.file.Path home) {
    this.target = target;
    this.timeoutSeconds = timeoutSeconds;
    this.env = env;
    this.home = home;
    this.hadoop = new Configuration();
    target.sparkConf().forEach((k, v) -> {
      if (k.startsWith("spark.hadoop.")) {
        hadoop.set(k.substring("spark.hadoop.".length()), v);
      }
    });
  }

  public List<Verdict> run() {
    List<Verdict> out = new ArrayList<>();
    ExecutorService pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "doctor-check");
      t.setDaemon(true);
      return t;
    });
    try {
      out.add(timed(pool, "java", this::java));
      out.add(timed(pool, "nd4j", Backend::check));
      out.add(timed(pool, "memory", this::memory));
      out.add(timed(pool, "input", this::input));
      out.add(timed(pool, "output", this::output));
      out.add(timed(pool, "master", this::master));
      out.add(timed(pool, "credentials", this::credentials));
    } finally {
      pool.shutdownNow();
    }
    return out;
  }

  private Verdict timed(ExecutorService pool, String name, Callable<Verdict> check) {
    Future<Verdict> f = pool.submit(check);
    try {
      return f.get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      return Verdict.fail(name, "no answer within " + timeoutSeconds + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Verdict.fail(name, "interrupted");
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable c = e.getCause();
      return Verdict.fail(name, c.getClass().getSimpleName() + ": " + c.getMessage());
    } catch (LinkageError e) {
      return Verdict.fail(name, e.toString());
    }
  }

  Verdict java() {
    int feature = Runtime.version().feature();
    String text = "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")";
    return feature >= 17 ? Verdict.ok("java", text) : Verdict.fail("java", text + "; sparktrain needs Java 17 or newer");
  }

  Verdict memory() {
    long maxBytes = org.bytedeco.javacpp.Pointer.maxBytes();
    long maxPhysical = org.bytedeco.javacpp.Pointer.maxPhysicalBytes();
    String here = "this JVM: heap " + Memory.human(Runtime.getRuntime().maxMemory()) + ", ND4J off-heap limit "
        + Memory.human(maxBytes) + ", physical limit " + Memory.human(maxPhysical);
    if (target.executorMemory() == null) {
      return Verdict.ok("memory", here);
    }
    long heap = Memory.bytes(target.executorMemory(), 1L << 20);
    long off = Memory.bytes(target.offheap() != null ? target.offheap() : target.executorMemory(), 1L << 20);
    String overheadText = target.sparkConf().get("spark.executor.memoryOverhead");
    String javaOptions = target.sparkConf().getOrDefault("spark.executor.extraJavaOptions", "");
    String executors = "executors: heap " + Memory.human(heap) + ", off-heap " + Memory.human(off);
    if (!javaOptions.contains("org.bytedeco.javacpp.maxbytes")) {
      return Verdict.fail("memory", executors + ", but spark.executor.extraJavaOptions sets no "
          + "-Dorg.bytedeco.javacpp.maxbytes: ND4J would grow off-heap until the container is killed");
    }
    if (overheadText == null) {
      return Verdict.warn("memory", executors + "; spark.executor.memoryOverhead is not set (YARN/Kubernetes default: "
          + "10% of the heap), below the off-heap limit");
    }
    long overhead = Memory.bytes(overheadText, 1L << 20);
    if (overhead < off) {
      return Verdict.fail("memory", executors + ", but spark.executor.memoryOverhead is " + Memory.human(overhead)
          + ": raise it to at least the off-heap limit plus 1 GiB, or the container is killed without a Java error");
    }
    return Verdict.ok("memory", executors + ", overhead " + Memory.human(overhead) + "; " + here);
  }

  Verdict input() throws IOException {
    if (target.job() == null) {
      return Verdict.skip("input", "no --config given");
    }
    DataConfig d = target.job().data();
    List<String> paths = new ArrayList<>(List.of(d.train()));
    for (String p : List.of(d.trainLabels(), d.test(), d.testLabels())) {
      if (!p.isBlank()) {
        paths.add(p);
      }
    }
    for (String p : paths) {
      Path path = new Path(p);
      FileSystem fs = path.getFileSystem(hadoop);
      if (!fs.exists(path)) {
        return Verdict.fail("input", p + ": no such file or folder");
      }
      if (fs.getFileStatus(path).isFile()) {
        try (InputStream in = fs.open(path)) {
          if (in.read() < 0 && fs.getFileStatus(path).getLen() == 0) {
            return Verdict.fail("input", p + ": empty file");
          }
        }
      }
    }
    return Verdict.ok("input", paths.size() + " paths readable: " + String.join(", ", paths));
  }

  Verdict output() throws IOException {
    String uri = target.output() != null ? target.output()
        : target.job() != null && !target.job().output().isBlank() ? target.job().output() : "runs";
    Path dir = new Path(uri);
    FileSystem fs = dir.getFileSystem(hadoop);
    try {
      Path probe = new Path(existingAncestor(fs, dir), ".sparktrain-doctor-" + UUID.randomUUID());
      fs.create(probe, false).close();
      fs.delete(probe, false);
    } catch (IOException e) {
      return Verdict.fail("output", uri + ": not writable (" + e.getMessage() + ")");
    }
    return Verdict.ok("output", uri + ": writable");
  }

  private static Path existingAncestor(FileSystem fs, Path dir) throws IOException {
    Path p = dir;
    while (p != null && !fs.exists(p)) {
      p = p.getParent();
    }
    if (p == null) {
      return dir;
    }
    if (!fs.getFileStatus(p).isDirectory()) {
      throw new IOException(p + " is a file");
    }
    return p;
  }

  Verdict master() {
    String master = target.master();
    if (master == null || master.startsWith("local")) {
      return Verdict.ok("master", (master == null ? "local (spark.master)" : master) + ": runs in this JVM");
    }
    if (master.startsWith("spark://")) {
      List<String> unreachable = new ArrayList<>();
      for (String hostPort : master.substring("spark://".length()).split(",")) {
        String[] hp = hostPort.split(":");
        if (!reachable(hp[0], hp.length > 1 ? Integer.parseInt(hp[1]) : 7077)) {
          unreachable.add(hostPort);
        }
      }
      return unreachable.isEmpty() ? Verdict.ok("master", master + ": reachable")
          : Verdict.fail("master", master + ": no connection to " + String.join(", ", unreachable));
    }
    if (master.startsWith("k8s://")) {
      URI api = URI.create(master.substring("k8s://".length()));
      int port = api.getPort() > 0 ? api.getPort() : 443;
      return reachable(api.getHost(), port) ? Verdict.ok("master", master + ": API server reachable")
          : Verdict.fail("master", master + ": no connection to the API server " + api.getHost() + ":" + port);
    }
    if (master.equals("yarn")) {
      return yarn();
    }
    return Verdict.warn("master", master + ": unknown kind of master; not checked");
  }

  private Verdict yarn() {
    String dir = env.get("HADOOP_CONF_DIR") != null ? env.get("HADOOP_CONF_DIR") : env.get("YARN_CONF_DIR");
    if (dir == null || !Files.isRegularFile(java.nio.file.Path.of(dir).resolve("yarn-site.xml").toAbsolutePath())) {
      return Verdict.fail("master", "yarn: set HADOOP_CONF_DIR (or YARN_CONF_DIR) to the folder with yarn-site.xml");
    }
    Configuration yarn = new Configuration(false);
    yarn.addResource(new Path(java.nio.file.Path.of(dir).resolve("yarn-site.xml").toUri()));
    String rm = yarn.get("yarn.resourcemanager.address",
        yarn.get("yarn.resourcemanager.hostname", "0.0.0.0") + ":8032");
    String[] hp = rm.split(":");
    return reachable(hp[0], Integer.parseInt(hp[1])) ? Verdict.ok("master", "yarn: ResourceManager " + rm + " reachable")
        : Verdict.fail("master", "yarn: no connection to the ResourceManager " + rm + " (from " + dir + "/yarn-site.xml)");
  }

  private boolean reachable(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), (int) Math.min(5000, timeoutSeconds * 1000));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  Verdict credentials() {
    List<String> uris = new ArrayList<>();
    if (target.job() != null) {
      DataConfig d = target.job().data();
      uris.addAll(List.of(d.train(), d.trainLabels(), d.test(), d.testLabels(), target.job().output()));
    }
    if (target.output() != null) {
      uris.add(target.output());
    }
    boolean s3 = uris.stream().anyMatch(u -> u.startsWith("s3a://") || u.startsWith("s3://"));
    boolean hdfs = uris.stream().anyMatch(u -> u.startsWith("hdfs://"));
    List<String> said = new ArrayList<>();
    if (s3) {
      String source = s3Source();
      if (source == null) {
        return Verdict.fail("credentials", "s3a: paths are used but no credentials were found: set fs.s3a.access.key "
            + "and fs.s3a.secret.key (spark.hadoop.* or ${?ENV} in the job), AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
            + "~/.aws/credentials, or run with an instance or pod role");
      }
      said.add("S3 credentials present (" + source + ")");
    }
    if (hdfs) {
      boolean kerberos = "kerberos".equalsIgnoreCase(hadoop.get("hadoop.security.authentication", "simple"));
      said.add(kerberos ? "HDFS uses Kerberos: ticket cache "
          + (env.get("KRB5CCNAME") != null ? "set (KRB5CCNAME)" : "from the default location")
          : "HDFS uses simple authentication as " + System.getProperty("user.name"));
    }
    return said.isEmpty() ? Verdict.skip("credentials", "no hdfs: or s3a: paths")
        : Verdict.ok("credentials", String.join("; ", said));
  }

  private String s3Source() {
    if (hadoop.get("fs.s3a.access.key") != null && hadoop.get("fs.s3a.secret.key") != null) {
      return "fs.s3a.access.key and fs.s3a.secret.key";
    }
    if (env.get("AWS_ACCESS_KEY_ID") != null && env.get("AWS_SECRET_ACCESS_KEY") != null) {
      return "environment";
    }
    if (env.get("AWS_WEB_IDENTITY_TOKEN_FILE") != null || env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") != null) {
      return "pod or container role";
    }
    if (Files.isRegularFile(home.resolve(".aws").resolve("credentials"))) {
      return "~/.aws/credentials";
    }
    return null;
  }

  /** "3 ok, 1 warn, 0 fail" */
  public static String tally(List<Verdict> verdicts) {
    long ok = verdicts.stream().filter(v -> v.status() == Verdict.Status.OK).count();
    long warn = verdicts.stream().filter(v -> v.status() == Verdict.Status.WARN).count();
    long fail = verdicts.stream().filter(v -> v.status() == Verdict.Status.FAIL).count();
    return String.format(Locale.ROOT, "%d ok, %d warn, %d fail", ok, warn, fail);
  }
}
