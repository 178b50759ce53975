package dev.runstream.schemas.internal;

import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Avro 1.12 refuses to load classes by name from a schema unless they are trusted, which guards
 * against schemas that name arbitrary classes. Reading into generated classes needs exactly that,
 * so this adds trust for runstream's own generated records and enums, and nothing else, on top of
 * whatever policy the application has set.
 */
public final class GeneratedClassTrust {
  private static final String GENERATED_PACKAGE = "dev.runstream.schemas";
  private static boolean installed;

  private GeneratedClassTrust() {}

  public static synchronized void install() {
    if (installed) {
      return;
    }
    ClassSecurityPredicate ours =
        type ->
            GENERATED_PACKAGE.equals(type.getPackageName())
                && (SpecificRecord.class.isAssignableFrom(type) || type.isEnum());
    ClassSecurityValidator.setGlobal(
        ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), ours));
    installed = true;
  }
}
