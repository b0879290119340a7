package org.nd4j.nativeblas;

import org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu;

/**
 * The name under which DL4J 1.0.0-M2.1 looks for the CPU backend's environment before it uses oneDNN for a
 * layer. {@code BaseMKLDNNHelper.mklDnnEnabled()} loads {@code org.nd4j.nativeblas.Nd4jCpu$Environment}
 * by reflection and calls {@code isUseMKLDNN()}; in M2.1 the class is
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment} and the method {@code isUseONEDNN()},
 * so the lookup always failed and every convolution, pooling and batch-normalisation layer fell back to
 * DL4J's Java-side im2col and matrix products, even on ND4J's oneDNN build. This class answers the old
 * name with the real environment's setting: oneDNN is used exactly where the loaded native build has it
 * and it is switched on. See io.sparktrain.model.NativeHelpers for the other half.
 */
@SuppressWarnings("checkstyle:TypeName")
public final class Nd4jCpu$Environment {
  private static final Nd4jCpu$Environment INSTANCE = new Nd4jCpu$Environment();

  private Nd4jCpu$Environment() {}

  public static Nd4jCpu$Environment getInstance() {
    return INSTANCE;
  }

  /** Whether the loaded native build has oneDNN and uses it (false on a build without it). */
  public boolean isUseMKLDNN() {
    return Nd4jCpu.Environment.getInstance().isUseONEDNN();
  }
}
