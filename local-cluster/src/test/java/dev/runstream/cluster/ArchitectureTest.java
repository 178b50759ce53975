package dev.runstream.cluster;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.runstream.fixture.PlantedManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The module layout rules of the local cluster. This module cannot use the shared {@code
 * RunstreamArchitecture} (in the schemas test-jar, whose module tests on this one), so it states
 * the same boundary for its own package.
 */
class ArchitectureTest {

  private static final String INTERNAL = "dev.runstream.cluster.internal..";

  static final ArchRule shouldKeepClassesInModulePackagesWhenCompiled =
      classes()
          .should()
          .resideInAnyPackage("dev.runstream.cluster", INTERNAL)
          .because("the module's API is dev.runstream.cluster and everything else is internal");

  static final ArchRule shouldHideInternalsWhenUsedFromOtherPackages =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.runstream.cluster..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage(INTERNAL)
          .allowEmptyShould(true);

  static final ArchRule shouldNotExposeInternalTypesWhenMethodsArePublic =
      methods()
          .that()
          .arePublic()
          .and()
          .areDeclaredInClassesThat()
          .resideInAPackage("dev.runstream.cluster")
          .and()
          .areDeclaredInClassesThat()
          .arePublic()
          .should(notMentionInternalTypes());

  static final ArchRule shouldNotExtendInternalTypesWhenPublic =
      classes()
          .that()
          .resideInAPackage("dev.runstream.cluster")
          .and()
          .arePublic()
          .should()
          .notBeAssignableTo(
              com.tngtech.archunit.base.DescribedPredicate.describe(
                  "internal type",
                  (JavaClass c) ->
                      c.getPackageName().startsWith("dev.runstream.cluster.internal")));

  static final ArchRule shouldAvoidVagueNamesWhenNamingClasses =
      noClasses()
          .should()
          .haveSimpleNameEndingWith("Util")
          .orShould()
          .haveSimpleNameEndingWith("Utils")
          .orShould()
          .haveSimpleNameEndingWith("Manager");

  private static final List<ArchRule> RULES =
      List.of(
          shouldKeepClassesInModulePackagesWhenCompiled,
          shouldHideInternalsWhenUsedFromOtherPackages,
          shouldNotExposeInternalTypesWhenMethodsArePublic,
          shouldNotExtendInternalTypesWhenPublic,
          shouldAvoidVagueNamesWhenNamingClasses);

  @Test
  void shouldKeepTheModuleLayoutWhenCompiled() {
    JavaClasses classes =
        new ClassFileImporter()
            .withImportOption(new ImportOption.DoNotIncludeTests())
            .withImportOption(new ImportOption.DoNotIncludeJars())
            .importPackages("dev.runstream");

    assertThat(classes.containPackage("dev.runstream.cluster"))
        .as("this module's classes")
        .isTrue();
    assertThat(violations(classes)).isEmpty();
  }

  @Test
  void shouldReportClassWhenPlantedOutsideTheLayoutWithAVagueName() {
    JavaClasses planted = new ClassFileImporter().importClasses(PlantedManager.class);

    assertThat(details(shouldKeepClassesInModulePackagesWhenCompiled, planted))
        .anySatisfy(line -> assertThat(line).contains(PlantedManager.class.getName()));
    assertThat(details(shouldAvoidVagueNamesWhenNamingClasses, planted))
        .anySatisfy(line -> assertThat(line).contains("Manager"));
  }

  private static List<String> violations(JavaClasses classes) {
    return RULES.stream().flatMap(rule -> details(rule, classes).stream()).toList();
  }

  private static List<String> details(ArchRule rule, JavaClasses classes) {
    return rule.evaluate(classes).getFailureReport().getDetails();
  }

  private static ArchCondition<JavaMethod> notMentionInternalTypes() {
    return new ArchCondition<>("not mention internal types in their signature") {
      @Override
      public void check(JavaMethod method, ConditionEvents events) {
        List<JavaClass> mentioned = new ArrayList<>(method.getRawParameterTypes());
        mentioned.add(method.getRawReturnType());
        mentioned.addAll(method.getThrowsClause().getTypes());
        for (JavaClass type : mentioned) {
          if (type.getPackageName().startsWith("dev.runstream.cluster.internal")) {
            events.add(
                SimpleConditionEvent.violated(
                    method, method.getFullName() + " exposes " + type.getName()));
          }
        }
      }
    };
  }
}
