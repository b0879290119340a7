package io.sparktrain.testing;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** One local Spark session per test JVM, shared by the test classes that need Spark (like Spark's SharedSparkSession). */
public final class TestSpark {
  private static SparkSession session;

  private TestSpark() {}

  public static synchronized SparkSession session() {
    if (session == null) {
      SparkConf conf = new SparkConf()
          .setMaster("local[2]")
          .setAppName("sparktrain-tests")
          .set("spark.ui.enabled", "false")
          .set("spark.ui.showConsoleProgress", "false")
          .set("spark.sql.shuffle.partitions", "2")
          .set("spark.driver.host", "127.0.0.1")
          .set("spark.driver.bindAddress", "127.0.0.1");
      session = SparkSession.builder().config(conf).getOrCreate();
      Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
    }
    return session;
  }
}
