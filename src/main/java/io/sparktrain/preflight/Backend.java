package io.sparktrain.preflight;

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
    String build = buildFlavour();
    String text = String.format(Locale.ROOT, "CPU backend %s (BLAS %s, %s cores), native build %s; CPU has %s",
        backend, env.getOrDefault("blas.vendor", "?"), env.getOrDefault("cores", "?"), build,
        flags.isEmpty() ? "no AVX2/AVX-512" : String.join(", ", flags));
    if (build.equals("generic x86-64") && !flags.isEmpty()) {
      text += "; the nd4j-native " + (flags.contains("avx512f") ? "linux-x86_64-avx512" : "linux-x86_64-avx2")
          + " classifier may be faster (measure it)";
    }
    return Verdict.ok("nd4j", text);
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

  private static String buildFlavour() {
    ClassLoader cl = Backend.class.getClassLoader();
    for (String flavour : List.of("avx512", "avx2")) {
      if (cl.getResource("org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64-" + flavour) != null) {
        return flavour;
      }
    }
    return "generic x86-64";
  }
}
