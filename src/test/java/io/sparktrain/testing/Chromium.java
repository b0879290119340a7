package io.sparktrain.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Headless Chromium (Debian's package) rendering a local page: its DOM after load, its console log, a screenshot. */
public final class Chromium {
  public static final String BINARY = "/usr/bin/chromium";

  /** What the browser produced for one page. */
  public record Page(String dom, String log, Path screenshot) {}

  private Chromium() {}

  private static List<String> base(Path profile) {
    return new ArrayList<>(List.of(BINARY, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
        "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--window-size=1200,4000"));
  }

  public static Page render(Path html, Path workDir) throws IOException, InterruptedException {
    Path shot = workDir.resolve("report.png");
    String url = html.toAbsolutePath().toUri().toString();
    List<String> dump = base(Files.createTempDirectory(workDir, "profile"));
    dump.addAll(List.of("--dump-dom", url));
    String[] domAndLog = run(dump, workDir.resolve("dom.log"));
    List<String> screenshot = base(Files.createTempDirectory(workDir, "profile"));
    screenshot.addAll(List.of("--screenshot=" + shot, url));
    String[] shotLog = run(screenshot, workDir.resolve("screenshot.log"));
    return new Page(domAndLog[0], domAndLog[1] + shotLog[1], shot);
  }

  private static String[] run(List<String> command, Path log) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish: " + command);
    }
    return new String[] {out, Files.readString(log)};
  }
}
