package io.sparktrain.preflight;

import io.sparktrain.model.NativeHelpers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.nd4j.linalg.factory.Nd4j;

/** Loads the ND4J backend and says which it is, what it runs on, and whether the CPU build fits the CPU. */
final class Backend {
  private Backend() {}

  static Verdict check() {
    String backend = Nd4j.getBackend().getClass().getSimpleName();
    Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
    boolean cpu = Nd4j.getEnvironment().isCPU();
    int devices = Nd4j.getAffinityManager().getNumberOfDevices();
    // A tiny computation proves the native library really runs, not only that it loaded.
    double sum = Nd4j.ones(4, 4).mmul(Nd4j.ones(4, 4)).sumNumber().doubleValue();
    if (sum != 64.0) {
      return Verdict.fail("nd4j", backend + " loaded but computed " + sum + " for a 4x4 product (expected 64)");
    }
    if (!cpu) {
      return Verdict.ok("nd4j", String.format(Locale.ROOT, "GPU backend %s, %d device(s) %s", backend, devices,
          env.getOrDefault("cuda.devicesInformation", "")));
    }
    List<String> flags = cpuFlags();
    boolean oneDnn = NativeHelpers.oneDnnBuild();
    String text = String.format(Locale.ROOT, "CPU backend %s (BLAS %s, %s cores), native build %s; CPU has %s",
        backend, env.getOrDefault("blas.vendor", "?"), env.getOrDefault("cores", "?"),
        oneDnn ? "with oneDNN" : "without oneDNN", flags.isEmpty() ? "no AVX2/AVX-512" : String.join(", ", flags));
    if (!oneDnn) {
      return Verdict.warn("nd4j", text + "; convolution and pooling run 2.5-3x slower than in the oneDNN build"
          + " (org.nd4j:nd4j-native, classifier linux-x86_64-onednn)");
    }
    if (!NativeHelpers.enabled()) {
      return Verdict.warn("nd4j", text + "; DL4J's oneDNN layers are off (" + NativeHelpers.PROPERTY
          + "=true): convolution and pooling run 2.5-3x slower");
    }
    return Verdict.ok("nd4j", text + "; convolution, pooling and batch normalisation run in oneDNN");
  }

  private static List<String> cpuFlags() {
    List<String> out = new ArrayList<>();
    try {
      String info = Files.readString(Path.of("/proc/cpuinfo"));
      for (String flag : List.of("avx2", "avx512f")) {
        if (info.contains(" " + flag + " ") || info.contains(" " + flag + "\n")) {
          out.add(flag);
        }
      }
    } catch (IOException e) {
      // Not Linux, or no /proc: the flags stay unknown.
    }
    return out;
  }
}
