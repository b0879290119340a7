package io.sparktrain.model;

/**
 * Turns on DL4J's native layer implementations (oneDNN on the CPU backend: convolution, pooling, batch
 * normalisation, local response normalisation). DL4J 1.0.0-M2.1 keeps them off in two ways: the system
 * property {@value #PROPERTY} defaults to {@code true}, and its check for oneDNN looks for a class under an
 * old name ({@code org.nd4j.nativeblas.Nd4jCpu$Environment}, which this application supplies). With both
 * fixed, a layer the helper cannot serve still falls back to DL4J's own code (DL4J's
 * {@code helperAllowFallback}, on by default).
 *
 * <p>The property is read each time a layer is created, so it must be set in every JVM that builds a
 * network before it does: {@link #enable()} on the driver (and in local mode, where the executors share its
 * JVM), {@link #JAVA_OPTION} on the command line of cluster executors. A value set by the user is kept:
 * {@code -Dorg.eclipse.deeplearning4j.helpers.disable=true} turns the helpers off again.
 */
public final class NativeHelpers {
  /** DL4J's switch ({@code DL4JSystemProperties.DISABLE_HELPER_PROPERTY}). */
  public static final String PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";
  /** The executors' JVM option that turns the helpers on. */
  public static final String JAVA_OPTION = "-D" + PROPERTY + "=false";

  private NativeHelpers() {}

  /** Turns the helpers on in this JVM unless the property is already set. */
  public static void enable() {
    if (System.getProperty(PROPERTY) == null) {
      System.setProperty(PROPERTY, "false");
    }
  }

  /**
   * Whether the native library ND4J loaded is a oneDNN build (JavaCPP extracts it from a folder named
   * after the build, {@code linux-x86_64-onednn}). ND4J's own {@code isUseONEDNN()} is a setting that reads
   * true on builds without oneDNN too.
   */
  public static boolean oneDnnBuild() {
    org.nd4j.linalg.factory.Nd4j.getBackend();
    return org.bytedeco.javacpp.Loader.getLoadedLibraries().entrySet().stream()
        .anyMatch(e -> e.getKey().contains("nd4jcpu") && String.valueOf(e.getValue()).contains("onednn"));
  }

  /** Whether layers built now in this JVM use the native helpers. */
  public static boolean enabled() {
    return "false".equalsIgnoreCase(System.getProperty(PROPERTY, "true"));
  }
}
