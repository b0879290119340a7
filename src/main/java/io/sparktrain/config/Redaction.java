package io.sparktrain.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one rule set for secrets, used by every output: which config keys hold secrets (S3A keys, session
 * tokens and encryption keys, per bucket too; Azure account keys, SAS tokens and OAuth secrets; GCS
 * private keys; Spark's auth secret and SSL passwords; anything named like a password or token), and
 * where secrets hide inside text: {@code key=value} pairs such as a {@code -D} option in Java options,
 * credentials in a URI ({@code scheme://user:password@host}) and signed URLs' query parameters.
 */
public final class Redaction {
  public static final String MASK = "******";

  /** A part of a key name that marks its value as secret (matched anywhere in the lower-cased key). */
  static final String SECRET_KEY_PART = "secret|passw(?:or)?d|passphrase|token|credential|access[._-]?key"
      + "|session[._-]?key|keytab|account\\.key|fs\\.azure\\.sas|private[._-]?key|encryption[._-]?key|signature";

  private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(?:" + SECRET_KEY_PART + ").*");

  /**
   * {@code key=value} or {@code key: value} in free text, the key secret by name; the value to its end. A
   * colon counts only with a space after it and none before (not {@code host:port}, {@code File.java:12}
   * or {@code Provider : Exception}).
   */
  private static final Pattern PAIR = Pattern.compile(
      "(?i)([A-Za-z0-9_.\\-]*(?:" + SECRET_KEY_PART + ")[A-Za-z0-9_.\\-]*\"?(?:\\s*=\\s*|:\\s+))"
          + "(\"[^\"]*\"|'[^']*'|[^\\s,;&\"'}\\]]+)");

  /** The user information of a URI that carries a password: {@code scheme://user:password@}. */
  private static final Pattern USER_INFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.\\-]*://)[^/@\\s:\"']+:[^/@\\s\"']*@");

  /** Signed URLs' query parameters (Azure SAS {@code sig}, AWS presigned URLs). */
  private static final Pattern QUERY = Pattern.compile("(?i)([?&](?:sig|x-amz-signature|x-amz-security-token|x-amz-credential)=)[^&\\s\"']+");

  private Redaction() {}

  public static boolean isSecretKey(String key) {
    return SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT)).matches();
  }

  /** {@code value} of {@code key} as it may be shown: masked for a secret key, else with secrets inside masked. */
  public static String value(String key, String value) {
    return isSecretKey(key) ? MASK : text(value);
  }

  /** Free text (a message, a URI, Java options, a log line) with every secret in it masked. */
  public static String text(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = replace(PAIR, text, "$1" + MASK);
    out = replace(USER_INFO, out, "$1" + MASK + "@");
    return replace(QUERY, out, "$1" + MASK);
  }

  /**
   * Spark's {@code spark.redaction.regex}: Spark masks a setting in its UI, event log and logs when its
   * key or its value matches, so this covers the secret keys and values that hold a secret.
   */
  public static String sparkRegex() {
    return "(?i)" + SECRET_KEY_PART + "|[A-Za-z][A-Za-z0-9+.\\-]*://[^/@\\s:]+:[^/@\\s]*@";
  }

  private static String replace(Pattern p, String text, String replacement) {
    Matcher m = p.matcher(text);
    return m.find() ? m.replaceAll(replacement) : text;
  }
}
