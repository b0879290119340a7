package io.sparktrain.config;

import java.util.Locale;
import java.util.regex.Pattern;

/** Decides which config keys hold secrets, so their values never reach logs, reports or files. */
public final class Redaction {
  public static final String MASK = "******";
  private static final Pattern SECRET =
      Pattern.compile(".*(secret|password|passwd|token|credential|access\\.key|accesskey|session\\.key|keytab).*");

  private Redaction() {}

  public static boolean isSecretKey(String key) {
    return SECRET.matcher(key.toLowerCase(Locale.ROOT)).matches();
  }
}
