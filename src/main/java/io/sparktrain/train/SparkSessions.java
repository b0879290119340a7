package io.sparktrain.train;

import io.sparktrain.config.JobConfig;
import io.sparktrain.model.NativeHelpers;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Creates the Spark session for a job, with the settings this stack needs. */
public final class SparkSessions {
  static final String TIME_SOURCE = "org.deeplearning4j.spark.time.TimeSource";
  static final String SYSTEM_CLOCK = "org.deeplearning4j.spark.time.SystemClockTimeSource";

  private SparkSessions() {}

  /**
   * The master is, in order: {@code masterOverride} (--master), the one spark-submit set, {@code spark.master}
   * in the job. Settings from spark-submit win over the job's {@code spark.conf}.
   */
  public static SparkSession create(JobConfig job, String masterOverride) {
    return create("sparktrain " + job.name(), job.spark(), masterOverride);
  }

  /** A session for a command that runs no job of its own (predict): its name and Spark settings. */
  public static SparkSession create(String appName, io.sparktrain.config.SparkSettings spark, String masterOverride) {
    SparkConf conf = new SparkConf();
    if (masterOverride != null && !masterOverride.isBlank()) {
      conf.setMaster(masterOverride);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster(spark.master());
    }
    if (!conf.contains("spark.app.name")) {
      conf.setAppName(appName);
    }
    spark.conf().forEach(conf::setIfMissing);
    conf.setIfMissing("spark.ui.showConsoleProgress", "false");
    // Each training task runs ND4J's OpenMP threads; one task per spark.task.cpus cores avoids oversubscription.
    conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", conf.get("spark.task.cpus", "1"));
    // dl4j-spark's training stats ask an NTP server by default, which clusters often cannot reach.
    if (System.getProperty(TIME_SOURCE) == null) {
      System.setProperty(TIME_SOURCE, SYSTEM_CLOCK);
    }
    useSecretFromEnvironment(conf);
    redactSecrets(conf);
    useNativeHelpers(conf);
    SparkSession session = SparkSession.builder().config(conf).getOrCreate();
    MemoryKills.watch(session.sparkContext(), System.err);
    // A session that already existed (an earlier run in this JVM) keeps its Hadoop configuration; the
    // job's spark.hadoop.* settings (an S3 endpoint, say) must still reach the file systems it opens.
    SparkConf running = session.sparkContext().getConf();
    spark.conf().forEach((key, value) -> {
      if (key.startsWith("spark.hadoop.") && value.equals(running.get(key, value))) {
        session.sparkContext().hadoopConfiguration().set(key.substring("spark.hadoop.".length()), value);
      }
    });
    return session;
  }

  /**
   * Spark masks a setting in its UI, event log and logs when its key or value matches
   * {@code spark.redaction.regex}; Spark's default misses Azure account keys, SAS tokens, GCS private keys,
   * encryption keys and credentials in URIs. The project's rule set is added to whatever is set.
   */
  static void redactSecrets(SparkConf conf) {
    String ours = io.sparktrain.config.Redaction.sparkRegex();
    String theirs = conf.get("spark.redaction.regex", "(?i)secret|password|token|access[.]?key");
    conf.set("spark.redaction.regex", theirs.contains(ours) ? theirs : "(?:" + theirs + ")|(?:" + ours + ")");
    conf.setIfMissing("spark.redaction.string.regex", "[A-Za-z][A-Za-z0-9+.\\-]*://[^/@\\s:]+:[^/@\\s]*@");
  }

  /**
   * On a standalone master Spark's driver insists on {@code spark.authenticate.secret} in its config, but
   * a secret must not travel on a command line. The submit script hands it over in the environment
   * (as {@code _SPARK_AUTH_SECRET}, which executors on standalone read anyway), and it goes into the
   * in-memory config here; Spark's UI redacts the key. YARN and Kubernetes generate their own secret.
   */
  static void useSecretFromEnvironment(SparkConf conf) {
    String secret = System.getenv("_SPARK_AUTH_SECRET");
    String master = conf.get("spark.master", "");
    if (conf.getBoolean("spark.authenticate", false) && !conf.contains("spark.authenticate.secret")
        && secret != null && !secret.isEmpty() && master.startsWith("spark://")) {
      conf.set("spark.authenticate.secret", secret);
    }
  }

  /**
   * DL4J's oneDNN layer implementations, off by default in 1.0.0-M2.1 (see {@link NativeHelpers}): on in
   * this JVM (the driver, and the executors in local mode) and, through
   * {@code spark.executor.defaultJavaOptions}, in every cluster executor. That setting goes before the
   * user's {@code spark.executor.extraJavaOptions} on the command line, so a
   * {@code -Dorg.eclipse.deeplearning4j.helpers.disable=true} there still wins.
   */
  static void useNativeHelpers(SparkConf conf) {
    NativeHelpers.enable();
    String defaults = conf.get("spark.executor.defaultJavaOptions", "");
    if (!defaults.contains(NativeHelpers.PROPERTY)) {
      conf.set("spark.executor.defaultJavaOptions", (defaults + " " + NativeHelpers.JAVA_OPTION).trim());
    }
  }

  public static boolean isLocal(SparkSession spark) {
    return spark.sparkContext().master().startsWith("local");
  }
}
