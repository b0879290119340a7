package io.sparktrain.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RedactionTest {
  /** Every secret-bearing key of the file systems Hadoop supports, and Spark's own. */
  static final List<String> SECRET_KEYS = List.of(
      "fs.s3a.access.key", "fs.s3a.secret.key", "fs.s3a.session.token", "fs.s3a.encryption.key",
      "fs.s3a.server-side-encryption.key", "fs.s3a.bucket.reports.secret.key", "fs.s3a.bucket.reports.session.token",
      "fs.s3a.bucket.reports.encryption.key", "fs.azure.account.key.acct.dfs.core.windows.net",
      "fs.azure.account.key.acct.blob.core.windows.net", "fs.azure.sas.container.acct.blob.core.windows.net",
      "fs.azure.sas.fixed.token", "fs.azure.account.oauth2.client.secret", "fs.azure.account.oauth2.client.secret.acct",
      "fs.gs.auth.service.account.private.key", "fs.gs.auth.service.account.private.key.id", "fs.gs.encryption.key",
      "spark.authenticate.secret", "spark.ssl.keyPassword", "spark.ssl.keyStorePassword", "spark.ssl.trustStorePassword",
      "spark.hadoop.fs.s3a.secret.key", "hadoop.security.credential.provider.path", "fs.s3a.SECRET.KEY");

  @Test
  void secretKeys_allRecognised() {
    for (String key : SECRET_KEYS) {
      assertThat(Redaction.isSecretKey(key)).as(key).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"fs.s3a.endpoint", "fs.s3a.encryption.algorithm", "spark.master", "data.train",
      "fs.azure.account.auth.type", "model.updater.learningRate", "spark.executor.extraJavaOptions", "train.epochs"})
  void ordinaryKeys_notSecret(String key) {
    assertThat(Redaction.isSecretKey(key)).isFalse();
  }

  @Test
  void referenceConf_hasNoKeyThatLooksSecret() {
    ConfigLoader.reference().entrySet().forEach(e -> assertThat(Redaction.isSecretKey(e.getKey())).as(e.getKey()).isFalse());
  }

  @Test
  void text_masksJavaOptionsPairsUriCredentialsAndSignatures() {
    assertThat(Redaction.text("-Xmx2g -Dfs.s3a.secret.key=AbC/123+x -Dfs.azure.account.key.a.dfs.core.windows.net=Zz== -Dother=1"))
        .isEqualTo("-Xmx2g -Dfs.s3a.secret.key=****** -Dfs.azure.account.key.a.dfs.core.windows.net=****** -Dother=1");
    assertThat(Redaction.text("cannot open s3a://AKIAXYZ:s3cr%2Ft@bucket/data.csv: denied"))
        .isEqualTo("cannot open s3a://******@bucket/data.csv: denied");
    assertThat(Redaction.text("https://acct.blob.core.windows.net/c/f?sv=2020&sig=abc%2Bdef&se=x"))
        .isEqualTo("https://acct.blob.core.windows.net/c/f?sv=2020&sig=******&se=x");
    assertThat(Redaction.text("spark.ssl.keyPassword: hunter2, next")).isEqualTo("spark.ssl.keyPassword: ******, next");
    assertThat(Redaction.text("\"fs.s3a.session.token\" = \"FwoG zz\"")).isEqualTo("\"fs.s3a.session.token\" = ******");
  }

  @Test
  void text_leavesOrdinaryTextAlone() {
    for (String text : List.of(
        "data/train.csv:12: expected 785 cells, found 3 (hdfs://namenode:8020/data, s3a://bucket/x)",
        "hdfs://token-nn:8020/data/train.csv", "at io.sparktrain.Token.read(Token.java:123)",
        "IAMInstanceCredentialsProvider : com.amazonaws.SdkClientException: unable to load")) {
      assertThat(Redaction.text(text)).isEqualTo(text);
    }
  }

  @Test
  void sparkRegex_matchesSecretKeysAndUriCredentials() {
    Pattern p = Pattern.compile(Redaction.sparkRegex());
    for (String key : SECRET_KEYS) {
      assertThat(p.matcher(key).find()).as(key).isTrue();
    }
    assertThat(p.matcher("s3a://AKIA:pw@bucket/x").find()).isTrue();
    assertThat(p.matcher("spark.executor.memory").find()).isFalse();
  }

  @Test
  void renderRedacted_masksInsideListsAndStillParses() {
    com.typesafe.config.Config c = com.typesafe.config.ConfigFactory.parseString(
        "opts = [\"-Xmx1g\", \"-Dfs.s3a.secret.key=abc123\"]\nuri = \"s3a://AKIA:pw@bucket/x\"\nn = 3");
    String text = ConfigLoader.renderRedacted(c);
    assertThat(text).doesNotContain("abc123").doesNotContain(":pw@");
    com.typesafe.config.Config back = com.typesafe.config.ConfigFactory.parseString(text);
    assertThat(back.getStringList("opts")).containsExactly("-Xmx1g", "-Dfs.s3a.secret.key=" + Redaction.MASK);
    assertThat(back.getString("uri")).isEqualTo("s3a://" + Redaction.MASK + "@bucket/x");
    assertThat(back.getInt("n")).isEqualTo(3);
  }
}
