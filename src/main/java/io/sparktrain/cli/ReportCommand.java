package io.sparktrain.cli;

import io.sparktrain.publish.RunDirectory;
import io.sparktrain.report.HtmlReport;
import io.sparktrain.report.ReportFiles;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sparktrain report RUN_DIR}: rebuilds report.html from the run's own files. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Rebuild RUN_DIR/report.html from the run's summary.json, metrics.jsonl and config.")
public final class ReportCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "RUN_DIR", description = "The run directory (path, file:, hdfs: or s3a: URI).")
  String run;

  @Override
  public Integer call() {
    Configuration conf = new Configuration();
    String html = HtmlReport.render(ReportFiles.read(run, conf));
    RunDirectory.open(run, conf).write(HtmlReport.FILE, html);
    PrintWriter out = spec.commandLine().getOut();
    out.println("wrote " + run + "/" + HtmlReport.FILE);
    out.flush();
    return ExitCode.OK.code();
  }
}
