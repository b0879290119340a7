package io.sparktrain.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * A real YARN for the tests: a ResourceManager and one NodeManager (MiniYARNCluster) on loopback in this
 * JVM, launching containers as separate processes, with the physical memory check on, as on a production
 * cluster. Its configuration (and the HDFS it uses as default file system) is written as core-site.xml and
 * yarn-site.xml to a folder that spark-submit gets as {@code HADOOP_CONF_DIR}.
 */
public final class Yarn implements AutoCloseable {
  /** Memory the NodeManager offers to containers. */
  public static final int NODE_MEMORY_MB = 16 * 1024;

  private final MiniYARNCluster cluster;
  private final Path confDir;
  private final YarnClient client;

  private Yarn(MiniYARNCluster cluster, Path confDir, YarnClient client) {
    this.cluster = cluster;
    this.confDir = confDir;
    this.client = client;
  }

  /** Starts YARN with its work folders under {@code base}; {@code defaultFs} is the HDFS every container uses. */
  public static Yarn start(Path base, String defaultFs) throws Exception {
    YarnConfiguration conf = new YarnConfiguration();
    conf.set("fs.defaultFS", defaultFs);
    conf.set(YarnConfiguration.RM_HOSTNAME, "127.0.0.1");
    conf.set(YarnConfiguration.NM_ADDRESS, "127.0.0.1:0");
    conf.set(YarnConfiguration.NM_WEBAPP_ADDRESS, "127.0.0.1:0");
    // The minicluster jar ships no capacity-scheduler.xml: one queue that takes everything.
    conf.set("yarn.scheduler.capacity.root.queues", "default");
    conf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
    conf.setFloat("yarn.scheduler.capacity.root.default.user-limit-factor", 1);
    conf.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
    conf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
    conf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
    conf.set("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
    conf.setInt("yarn.scheduler.capacity.node-locality-delay", -1);
    // A development machine's disk is often fuller than the NodeManager's 90% health limit.
    conf.setFloat("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", 100.0f);
    // MiniYARNCluster sizes its NodeManagers from its own key (default 4 GiB), and turns the container
    // memory checks off unless told to leave them to the configuration.
    conf.setInt("yarn.minicluster.yarn.nodemanager.resource.memory-mb", NODE_MEMORY_MB);
    conf.setBoolean("yarn.minicluster.control-resource-monitoring", true);
    conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, NODE_MEMORY_MB);
    conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 32);
    conf.setInt(YarnConfiguration.NM_VCORES, 4);
    // The physical memory check stays on (a container over its size is killed, as in production); the
    // virtual one is off, as on most clusters: a JVM reserves far more address space than it uses.
    conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, true);
    // Hadoop 3.3's NodeManager leaves memory to cgroups while yarn.nodemanager.resource.memory.enforced is
    // true (its default) and polls the containers' resident memory only when it is false; there are no
    // cgroups here, so the polling check (the one whose kills Spark reports by their cause) is the one on.
    conf.setBoolean("yarn.nodemanager.resource.memory.enforced", false);
    conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    conf.setLong(YarnConfiguration.NM_CONTAINER_MON_INTERVAL_MS, 1000);
    // Containers find Java where a cluster's NodeManagers have it: in their environment.
    conf.set(YarnConfiguration.NM_ADMIN_USER_ENV, "JAVA_HOME=" + System.getProperty("java.home"));
    conf.setInt(YarnConfiguration.RM_AM_MAX_ATTEMPTS, 2);
    conf.setLong(YarnConfiguration.DEBUG_NM_DELETE_DELAY_SEC, 600);

    MiniYARNCluster cluster = new MiniYARNCluster("sparktrain-yarn", 1, 1, 1);
    cluster.init(conf);
    cluster.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (cluster.getConfig().get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the ResourceManager got no port within 60 s");
      }
      Thread.sleep(100);
    }
    Path confDir = Files.createDirectories(base.resolve("hadoop-conf"));
    Configuration written = new Configuration(cluster.getConfig());
    try (OutputStream out = Files.newOutputStream(confDir.resolve("yarn-site.xml"))) {
      written.writeXml(out);
    }
    Configuration core = new Configuration(false);
    core.set("fs.defaultFS", defaultFs);
    try (OutputStream out = Files.newOutputStream(confDir.resolve("core-site.xml"))) {
      core.writeXml(out);
    }
    YarnClient client = YarnClient.createYarnClient();
    client.init(cluster.getConfig());
    client.start();
    return new Yarn(cluster, confDir, client);
  }

  /** The folder to give spark-submit as {@code HADOOP_CONF_DIR}. */
  public Path confDir() {
    return confDir;
  }

  /** The applications YARN knows with this name (newest last). */
  public List<ApplicationReport> applications(String name) throws Exception {
    return client.getApplications().stream().filter(a -> a.getName().equals(name))
        .sorted(java.util.Comparator.comparingLong(ApplicationReport::getStartTime)).toList();
  }

  /** The NodeManager's container log folder: {@code <it>/<application id>/<container id>/stdout|stderr}. */
  public Path containerLogs() {
    String dirs = cluster.getNodeManager(0).getConfig().get(YarnConfiguration.NM_LOG_DIRS);
    return Path.of(dirs.split(",")[0]);
  }

  @Override
  public void close() {
    client.stop();
    cluster.stop();
  }
}
