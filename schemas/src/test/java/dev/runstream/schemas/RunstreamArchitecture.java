package dev.runstream.schemas;

import static com.tngtech.archunit.base.DescribedPredicate.anyElementThat;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;

import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The module boundary rules every runstream module enforces: each module has one public package
 * {@code dev.runstream.<module>}, its implementation lives in {@code
 * dev.runstream.<module>.internal}, and no other module touches those internals. Shared through
 * this module's test-jar; a module's {@code ArchitectureTest} imports the compiled classes on its
 * classpath with {@link #importProject()}, checks that its own package is among them, and asserts
 * that {@link #violations(JavaClasses)} is empty. {@code RunstreamArchitectureTest} shows that each
 * rule fails on a planted violation.
 */
public final class RunstreamArchitecture {
  private static final Pattern PACKAGE =
      Pattern.compile("dev\\.runstream\\.[a-z]+(\\.internal(\\.[a-z0-9]+)*)?");

  private RunstreamArchitecture() {}

  public static final ArchRule everyClassLivesInThePublicPackageOrInternal =
      classes()
          .that()
          .resideInAPackage("dev.runstream..")
          .should(
              new ArchCondition<>(
                  "live in dev.runstream.<module> or dev.runstream.<module>.internal") {
                @Override
                public void check(JavaClass javaClass, ConditionEvents events) {
                  if (!PACKAGE.matcher(javaClass.getPackageName()).matches()) {
                    events.add(
                        SimpleConditionEvent.violated(
                            javaClass, javaClass.getName() + " is outside the module layout"));
                  }
                }
              });

  public static final ArchRule internalsAreOnlyUsedByTheirOwnModule =
      classes()
          .that()
          .resideInAPackage("dev.runstream.*.internal..")
          .should(
              new ArchCondition<>("only be accessed from their own module") {
                @Override
                public void check(JavaClass internal, ConditionEvents events) {
                  String module = moduleOf(internal);
                  for (JavaAccess<?> access : internal.getAccessesToSelf()) {
                    JavaClass origin = access.getOriginOwner();
                    if (origin.getPackageName().startsWith("dev.runstream.")
                        && !module.equals(moduleOf(origin))) {
                      events.add(SimpleConditionEvent.violated(access, access.getDescription()));
                    }
                  }
                }
              });

  public static final ArchRule publicApiDoesNotExposeInternals =
      noMethods()
          .that()
          .arePublic()
          .and()
          .areDeclaredInClassesThat()
          .resideInAPackage("dev.runstream.*")
          .should()
          .haveRawReturnType(resideInAPackage("..internal.."))
          .orShould()
          .haveRawParameterTypes(anyElementThat(resideInAPackage("..internal..")))
          .allowEmptyShould(true);

  public static final ArchRule namesSayWhatThingsAre =
      noClasses()
          .that()
          .resideInAPackage("dev.runstream..")
          .should()
          .haveSimpleNameEndingWith("Util")
          .orShould()
          .haveSimpleNameEndingWith("Utils")
          .orShould()
          .haveSimpleNameEndingWith("Manager")
          .orShould()
          .haveSimpleNameEndingWith("Helper");

  /** Every rule above. */
  public static final List<ArchRule> RULES =
      List.of(
          everyClassLivesInThePublicPackageOrInternal,
          internalsAreOnlyUsedByTheirOwnModule,
          publicApiDoesNotExposeInternals,
          namesSayWhatThingsAre);

  /**
   * The compiled main classes of {@code dev.runstream} on the classpath: the module's own and those
   * of the runstream modules it depends on; test classes are left out.
   *
   * @return the classes
   */
  public static JavaClasses importProject() {
    return new ClassFileImporter()
        .withImportOption(new ImportOption.DoNotIncludeTests())
        .importPackages("dev.runstream");
  }

  /**
   * What {@code classes} break, one line per violation, over every rule.
   *
   * @param classes the classes to check
   * @return the violations; empty when the layout holds
   */
  public static List<String> violations(JavaClasses classes) {
    return RULES.stream()
        .flatMap(rule -> rule.evaluate(classes).getFailureReport().getDetails().stream())
        .toList();
  }

  private static String moduleOf(JavaClass javaClass) {
    String[] parts = javaClass.getPackageName().split("\\.");
    return parts.length > 2 ? parts[2] : "";
  }
}
