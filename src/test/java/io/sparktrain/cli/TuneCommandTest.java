package io.sparktrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad search space ends with exit code 2 and the dimension named, before Spark starts. */
class TuneCommandTest {
  @TempDir
  Path dir;

  private String[] run(String space, String... more) throws Exception {
    Path file = dir.resolve("space.conf");
    Files.writeString(file, space);
    String[] base = {"tune", "--config", "conf/fashion-mnist-sample.conf", "--space", file.toString(), "--output",
        dir.resolve("search").toString()};
    String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
    return new String[] {Integer.toString(code), err.toString()};
  }

  @Test
  void badSpaces_exit2_namingTheDimension_andNothingIsWritten() throws Exception {
    String[] r = run("dimensions = [{ key = model.l2, type = loguniform, min = 0, max = 1e-3 }]");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1]).contains("error: dimensions[0] (key = model.l2).min: must be above 0 for a loguniform dimension")
        .contains("(exit code 2: bad config or arguments)").doesNotContain("\tat ");
    r = run("dimensions = [{ key = model.wobble, type = uniform, min = 0, max = 1 }]");
    assertThat(r).containsExactly("2", r[1]);
    assertThat(r[1]).contains("model.wobble", "unknown job key");
    r = run("dimensions = [{ key = architecture.dropout, type = uniform, min = 0, max = 1.5 }]");
    assertThat(r[1]).contains("architecture.dropout", "refused by the job");
    assertThat(dir.resolve("search")).doesNotExist();
  }

  @Test
  void badArguments_exit2() throws Exception {
    Files.writeString(dir.resolve("ok.conf"), "dimensions = [{ key = model.l2, type = uniform, min = 0, max = 0.1 }]");
    StringWriter err = new StringWriter();
    assertThat(Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "tune", "--config",
        "conf/fashion-mnist-sample.conf", "--space", dir.resolve("ok.conf").toString(), "--resume")).isEqualTo(2);
    assertThat(err.toString()).contains("--resume", "needs --output");
    String[] r = run("dimensions = [{ key = model.l2, type = uniform, min = 0, max = 0.1 }]", "--max-epochs", "-1");
    assertThat(r[0]).isEqualTo("2");
  }
}
