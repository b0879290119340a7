package io.sparktrain.cli;

import com.typesafe.config.Config;
import io.sparktrain.config.Check;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.publish.Registry;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sparktrain publish}: the quality gate, then the registry. Exit code 5 when the gate refuses. */
@Command(name = "publish", mixinStandardHelpOptions = true,
    description = {"Publish a finished run to the model registry if it passes the quality gate:",
        "test accuracy >= --min-accuracy and not more than --max-drop below the current champion."})
public final class PublishCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--run", required = true, paramLabel = "URI", description = "The run directory.")
  String run;

  @Option(names = "--registry", required = true, paramLabel = "URI", description = "Registry root (path, hdfs:, s3a:).")
  String registry;

  @Option(names = "--name", required = true, paramLabel = "NAME", description = "Model name in the registry.")
  String name;

  @Option(names = "--min-accuracy", defaultValue = "0", paramLabel = "X", description = "Lowest test accuracy (default 0).")
  double minAccuracy;

  @Option(names = "--max-drop", defaultValue = "0", paramLabel = "X",
      description = "How far below the champion's test accuracy a new model may be (default 0).")
  double maxDrop;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override a registry.* setting of conf/reference.conf (e.g. registry.lockWait=2m).")
  java.util.List<String> overrides = new java.util.ArrayList<>();

  @Override
  public Integer call() throws IOException {
    Check.range("--min-accuracy", minAccuracy, 0, false, 1);
    Check.range("--max-drop", maxDrop, 0, false, 1);
    Check.that(name.matches("[A-Za-z0-9._-]+"), "--name", "use letters, digits, '.', '_' or '-', found '" + name + "'");
    for (String o : overrides) {
      Check.that(o.startsWith("registry."), "--set", "publish takes only registry.* settings, found '" + o + "'");
    }
    Config settings = ConfigLoader.parseOverrides(overrides).withFallback(ConfigLoader.reference());
    Configuration conf = new Configuration();
    Registry.Published p = new Registry(registry, name, conf, settings, System.err).publish(run, conf, minAccuracy,
        maxDrop);
    PrintWriter out = spec.commandLine().getOut();
    String before = p.previous() == null ? "none"
        : String.format(Locale.ROOT, "%s %.4f", p.previous(), p.previousAccuracy());
    switch (p.kind()) {
      case ALREADY_CHAMPION -> out.printf(Locale.ROOT, "%s is already published as %s (the same model.zip, SHA-256) and"
          + " is the champion; nothing changed%n", run, p.uri());
      case CHAMPION_AGAIN -> out.printf(Locale.ROOT, "%s was already published as %s (the same model.zip, SHA-256);"
          + " it passed the gate and is the champion again (test accuracy %.4f; champion before: %s)%n", run, p.uri(),
          p.accuracy(), before);
      case NEW_VERSION -> out.printf(Locale.ROOT, "published %s as %s (test accuracy %.4f; champion before: %s)%n", run,
          p.uri(), p.accuracy(), before);
    }
    out.flush();
    return ExitCode.OK.code();
  }
}
