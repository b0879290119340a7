package io.sparktrain.cli;

import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.preflight.Doctor;
import io.sparktrain.preflight.Verdict;
import java.io.File;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sparktrain doctor}: preflight checks, one line each; exit code 6 when one fails. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = {"Preflight: Java, the ND4J backend and its devices, off-heap limits against executor memory,",
        "input readable, output writable, Spark master reachable, credentials present (never printed)."})
public final class DoctorCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Job config whose inputs and output to check.")
  File config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key (repeatable).")
  List<String> overrides = new ArrayList<>();

  @Option(names = {"-o", "--output"}, paramLabel = "URI", description = "Run directory to check for writing.")
  String output;

  @Option(names = "--spark-master", paramLabel = "URL",
      description = "The master the job will run on (default: spark.master, else the job's).")
  String master;

  @Option(names = "--executor-memory", paramLabel = "SIZE", description = "Executor heap the job will get, e.g. 4g.")
  String executorMemory;

  @Option(names = "--offheap", paramLabel = "SIZE", description = "ND4J off-heap limit per executor (default: heap).")
  String offheap;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "Per check (default 10).")
  long timeout;

  @Override
  public Integer call() {
    JobConfig job = config == null ? null : ConfigLoader.load(config, overrides);
    Map<String, String> sparkConf = new TreeMap<>();
    System.getProperties().forEach((k, v) -> {
      if (k.toString().startsWith("spark.")) {
        sparkConf.put(k.toString(), v.toString());
      }
    });
    if (job != null) {
      job.spark().conf().forEach(sparkConf::putIfAbsent);
    }
    String targetMaster = master != null ? master
        : sparkConf.getOrDefault("spark.master", job != null ? job.spark().master() : null);
    Doctor doctor = new Doctor(new Doctor.Target(job, output, targetMaster, executorMemory, offheap, sparkConf), timeout);
    List<Verdict> verdicts = doctor.run();
    PrintWriter out = spec.commandLine().getOut();
    verdicts.forEach(v -> out.println(v.line()));
    boolean failed = verdicts.stream().anyMatch(v -> v.status() == Verdict.Status.FAIL);
    out.println((failed ? "preflight failed: " : "preflight passed: ") + Doctor.tally(verdicts));
    out.flush();
    return failed ? ExitCode.PREFLIGHT_FAILED.code() : ExitCode.OK.code();
  }
}
