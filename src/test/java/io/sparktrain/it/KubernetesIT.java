package io.sparktrain.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.sparktrain.testing.KubernetesApi;
import io.sparktrain.testing.Processes;
import io.sparktrain.testing.SparkHome;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.SecurityManager;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.k8s.KubernetesConf;
import org.apache.spark.deploy.k8s.KubernetesExecutorConf;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.ResourceProfile$;
import org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.Option;

/**
 * submit-scripts/submit-k8s.sh with a real spark-submit in cluster mode against a Kubernetes API server
 * (Fabric8's, in CRUD mode, on loopback; see {@link KubernetesApi}). The submission runs as it would against
 * a cluster: it renders and uploads the job file, creates the driver pod, its config maps and its service.
 * Nothing is scheduled (no kubelet, no image pulled), so the test reads back what was created and checks what
 * a cluster would act on: the image and command line, memory requests and limits with the overhead, ND4J's
 * off-heap limits, OMP threads, the pod templates, service account and namespace, GPUs with their discovery
 * script, secrets mounted as files and never in the environment, encryption on. The executor pods, which the
 * driver creates once it runs, are built here by Spark's own executor pod builder from the configuration
 * the submission stored, as the driver would build them.
 */
class KubernetesIT {
  static final Path BASE = Path.of("target", "k8s").toAbsolutePath();
  static final String IMAGE = "registry.example.com/sparktrain:0.1.0";
  static KubernetesApi api;
  static Processes.Result submission;
  static Pod driver;
  static Properties sparkProperties;

  @BeforeAll
  static void submit() throws Exception {
    Files.createDirectories(BASE);
    api = KubernetesApi.start();
    Path sparkHome = SparkHome.make(BASE.resolve("spark-home"));
    Path upload = Files.createDirectories(BASE.resolve("upload-" + System.nanoTime()));
    submission = Processes.run(List.of("submit-scripts/submit-k8s.sh", "--master", api.master(), "--image", IMAGE,
        "--namespace", "ml", "--service-account", "trainer", "--executors", "2", "--gpus", "1",
        "--s3-secret", "s3-credentials", "--config", "conf/fashion-mnist-sample.conf",
        "--output", "s3a://models/runs/fmnist", "--upload-path", upload.toUri().toString(),
        "--executor-memory", "2g", "--offheap", "1g", "--driver-memory", "2g", "--name", "sparktrain-k8s-it",
        "--skip-doctor", "--conf", "spark.kubernetes.submission.waitAppCompletion=false"),
        Map.of("SPARK_HOME", sparkHome.toString(), "KUBERNETES_AUTH_TRYKUBECONFIG", "false"), 5);
    assertThat(submission.code()).as(submission.out()).isZero();
    List<Pod> pods = api.client().pods().inNamespace("ml").list().getItems();
    assertThat(pods).as(submission.out()).hasSize(1);
    driver = pods.get(0);
    sparkProperties = new Properties();
    sparkProperties.load(new StringReader(configMap(driver, "spark.properties").getData().get("spark.properties")));
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  /** The config map mounted in {@code pod} that holds {@code key}. */
  static ConfigMap configMap(Pod pod, String key) {
    return pod.getSpec().getVolumes().stream().filter(v -> v.getConfigMap() != null)
        .map(v -> api.client().configMaps().inNamespace("ml").withName(v.getConfigMap().getName()).get())
        .filter(m -> m != null && m.getData() != null && m.getData().containsKey(key)).findFirst()
        .orElseThrow(() -> new AssertionError("no config map with " + key + " in " + pod.getSpec().getVolumes()));
  }

  static Container container(Pod pod) {
    assertThat(pod.getSpec().getContainers()).hasSize(1);
    return pod.getSpec().getContainers().get(0);
  }

  static Map<String, EnvVar> env(Container c) {
    return c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e, (a, b) -> b));
  }

  @Test
  void driverPod_imageCommandLineNamespaceAccountAndTemplate() {
    assertThat(driver.getMetadata().getNamespace()).isEqualTo("ml");
    assertThat(driver.getMetadata().getLabels()).containsEntry("spark-role", "driver")
        .containsEntry("app.kubernetes.io/name", "sparktrain").containsEntry("app.kubernetes.io/component", "driver");
    assertThat(driver.getSpec().getServiceAccountName()).isEqualTo("trainer");
    assertThat(driver.getSpec().getSecurityContext().getRunAsUser()).isEqualTo(185L);
    Container c = container(driver);
    assertThat(c.getImage()).isEqualTo(IMAGE);
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    // The rendered job file travels through the upload folder; the driver reads it by its own name.
    assertThat(c.getArgs()).startsWith("driver", "--properties-file").contains("--class", "io.sparktrain.cli.Main")
        .endsWith("local:///opt/sparktrain/sparktrain.jar", "train", "--config", "sparktrain-job.conf",
            "--output", "s3a://models/runs/fmnist", "--resume");
    assertThat(sparkProperties.getProperty("spark.files")).contains("/spark-upload-").endsWith("/sparktrain-job.conf");
    assertThat(sparkProperties.getProperty("spark.app.name")).isEqualTo("sparktrain-k8s-it");
    List<Service> services = api.client().services().inNamespace("ml").list().getItems();
    assertThat(services).as("the driver's headless service").hasSize(1);
    assertThat(services.get(0).getSpec().getClusterIP()).isEqualTo("None");
  }

  @Test
  void driverPod_memoryRequestAndLimitIncludeTheOverhead_nd4jOffHeapAndThreads() {
    Container c = container(driver);
    // Heap 2g + overhead (ND4J's 2g off-heap limit + 1g) = 5g, requested and limited alike.
    assertThat(c.getResources().getRequests().get("memory")).isEqualTo(new Quantity("5120Mi"));
    assertThat(c.getResources().getLimits().get("memory")).isEqualTo(new Quantity("5120Mi"));
    assertThat(sparkProperties.getProperty("spark.driver.extraJavaOptions"))
        .contains("-Dorg.bytedeco.javacpp.maxbytes=2048m").contains("-Dorg.bytedeco.javacpp.maxphysicalbytes=5120m");
    assertThat(env(c)).containsKey("OMP_NUM_THREADS");
    assertThat(env(c).get("OMP_NUM_THREADS").getValue()).isEqualTo("1");
    assertThat(sparkProperties.getProperty("spark.executorEnv.OMP_NUM_THREADS")).isEqualTo("1");
  }

  @Test
  void secrets_mountedAsFiles_neverInTheEnvironmentOrTheConfigMap_encryptionOn() {
    assertSecretsAsFiles(driver);
    assertThat(sparkProperties.getProperty("spark.authenticate")).isEqualTo("true");
    assertThat(sparkProperties.getProperty("spark.network.crypto.enabled")).isEqualTo("true");
    assertThat(sparkProperties.getProperty("spark.io.encryption.enabled")).isEqualTo("true");
    assertThat(sparkProperties.getProperty("spark.authenticate.secret.file")).isEqualTo("/mnt/secrets/spark-auth/secret");
    assertThat(sparkProperties.stringPropertyNames()).noneMatch(k -> k.equals("spark.authenticate.secret")
        || k.contains("secretKeyRef") || k.contains("access.key") || k.contains("secret.key"));
  }

  static void assertSecretsAsFiles(Pod pod) {
    Map<String, String> secretVolumes = pod.getSpec().getVolumes().stream().filter(v -> v.getSecret() != null)
        .collect(Collectors.toMap(Volume::getName, v -> v.getSecret().getSecretName()));
    assertThat(secretVolumes.values()).containsExactlyInAnyOrder("sparktrain-auth", "s3-credentials");
    Map<String, String> mounts = container(pod).getVolumeMounts().stream()
        .filter(m -> secretVolumes.containsKey(m.getName()))
        .collect(Collectors.toMap(m -> secretVolumes.get(m.getName()), VolumeMount::getMountPath));
    assertThat(mounts).containsEntry("sparktrain-auth", "/mnt/secrets/spark-auth")
        .containsEntry("s3-credentials", "/mnt/secrets/s3");
    Map<String, EnvVar> env = env(container(pod));
    assertThat(env.keySet()).doesNotContain("_SPARK_AUTH_SECRET", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN");
    assertThat(env.values()).allMatch(e -> e.getValueFrom() == null || e.getValueFrom().getSecretKeyRef() == null);
    assertThat(env.get("AWS_CREDENTIAL_PROFILES_FILE").getValue()).isEqualTo("/mnt/secrets/s3/credentials");
  }

  /** An executor pod as the running driver would create it: Spark's builder over the stored configuration. */
  static Pod executorPod() throws IOException {
    SparkConf conf = new SparkConf(false);
    sparkProperties.stringPropertyNames().forEach(k -> conf.set(k, sparkProperties.getProperty(k)));
    // The executor pod template reaches the driver as a mounted config map; here it is read from the map.
    Path mounted = Path.of(conf.get("spark.kubernetes.executor.podTemplateFile"));
    String volume = container(driver).getVolumeMounts().stream()
        .filter(m -> mounted.getParent().toString().equals(m.getMountPath())).map(VolumeMount::getName).findFirst()
        .orElseThrow(() -> new AssertionError("no volume mounted at " + mounted.getParent()));
    String map = driver.getSpec().getVolumes().stream().filter(v -> v.getName().equals(volume))
        .map(v -> v.getConfigMap().getName()).findFirst().orElseThrow();
    Path template = Files.writeString(BASE.resolve("executor-template.yaml"),
        api.client().configMaps().inNamespace("ml").withName(map).get().getData().values().iterator().next());
    conf.set("spark.kubernetes.executor.podTemplateFile", template.toString());
    KubernetesExecutorConf executorConf = KubernetesConf.createExecutorConf(conf, "1",
        conf.get("spark.app.id", "spark-application-1"), Option.apply(driver), 0);
    // The running driver reads the secret from its mounted file; here from a local copy at the driver's key.
    Path secret = Files.writeString(BASE.resolve("auth-secret"), "not-the-real-one");
    conf.set("spark.authenticate.secret.driver.file", secret.toString());
    SecurityManager security = new SecurityManager(conf, Option.empty(),
        org.apache.spark.internal.config.package$.MODULE$.AUTH_SECRET_FILE_DRIVER());
    ResourceProfile profile = ResourceProfile$.MODULE$.reInitDefaultProfile(conf);
    try {
      org.apache.spark.deploy.k8s.SparkPod built = new KubernetesExecutorBuilder()
          .buildFromFeatures(executorConf, security, api.client(), profile).pod();
      // The driver adds the executor container to the pod as it creates it.
      return new io.fabric8.kubernetes.api.model.PodBuilder(built.pod()).editOrNewSpec()
          .addToContainers(built.container()).endSpec().build();
    } finally {
      ResourceProfile$.MODULE$.clearDefaultProfile();
    }
  }

  @Test
  void executorPod_gpuRequest_memoryWithOverhead_offHeapThreadsAndSecretsAsFiles() throws IOException {
    assertThat(sparkProperties.getProperty("spark.executor.resource.gpu.vendor")).isEqualTo("nvidia.com");
    assertThat(sparkProperties.getProperty("spark.executor.resource.gpu.discoveryScript"))
        .isEqualTo("/opt/sparktrain/getGpusResources.sh");
    Pod executor = executorPod();
    Container c = container(executor);
    assertThat(c.getImage()).isEqualTo(IMAGE);
    assertThat(c.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));
    // Heap 2g + overhead (ND4J's 1g off-heap limit + 1g) = 4g.
    assertThat(c.getResources().getRequests().get("memory")).isEqualTo(new Quantity("4096Mi"));
    assertThat(c.getResources().getLimits().get("memory")).isEqualTo(new Quantity("4096Mi"));
    String javaOptions = c.getEnv().stream().filter(e -> e.getName().startsWith("SPARK_JAVA_OPT_"))
        .map(EnvVar::getValue).collect(Collectors.joining(" "));
    assertThat(javaOptions).contains("-Dorg.bytedeco.javacpp.maxbytes=1024m")
        .contains("-Dorg.bytedeco.javacpp.maxphysicalbytes=4096m");
    assertThat(env(c).get("OMP_NUM_THREADS").getValue()).isEqualTo("1");
    // The executor template: its labels and the GPU nodes' toleration.
    assertThat(executor.getMetadata().getLabels()).containsEntry("app.kubernetes.io/component", "executor");
    assertThat(executor.getSpec().getTolerations()).anyMatch(t -> "nvidia.com/gpu".equals(t.getKey()));
    assertSecretsAsFiles(executor);
  }

  @Test
  void imageEntrypoint_handsTheDriverPodsArgumentsToSparksEntrypoint() throws Exception {
    Path stub = BASE.resolve("spark-entrypoint-stub.sh");
    Files.writeString(stub, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\"\n");
    Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> command = new ArrayList<>(List.of("docker/entrypoint.sh"));
    command.addAll(container(driver).getArgs());
    Processes.Result r = Processes.run(command, Map.of("SPARK_ENTRYPOINT", stub.toString()), 1);
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.out().lines()).containsExactlyElementsOf(container(driver).getArgs());
  }

  @Test
  void submission_succeeds_createsNoSecretsOrVolumeClaims() {
    assertThat(submission.out()).contains("--deploy-mode cluster").doesNotContain("Exception");
    List<String> kinds = Stream.of(api.client().secrets().inNamespace("ml").list().getItems().size(),
        api.client().persistentVolumeClaims().inNamespace("ml").list().getItems().size())
        .map(String::valueOf).toList();
    assertThat(kinds).as("no secrets or volume claims created by the submission").containsExactly("0", "0");
  }
}
