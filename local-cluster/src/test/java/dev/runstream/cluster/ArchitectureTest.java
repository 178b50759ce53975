package dev.runstream.cluster;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;

@AnalyzeClasses(
    packages = "dev.runstream",
    importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ArchitectureTest {

  private static final String INTERNAL = "dev.runstream.cluster.internal..";

  @ArchTest
  static final ArchRule shouldKeepClassesInModulePackagesWhenCompiled =
      classes()
          .should()
          .resideInAnyPackage("dev.runstream.cluster", INTERNAL)
          .because("the module's API is dev.runstream.cluster and everything else is internal");

  @ArchTest
  static final ArchRule shouldHideInternalsWhenUsedFromOtherPackages =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.runstream.cluster..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage(INTERNAL)
          .allowEmptyShould(true);

  @ArchTest
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

  @ArchTest
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

  @ArchTest
  static final ArchRule shouldAvoidVagueNamesWhenNamingClasses =
      noClasses()
          .should()
          .haveSimpleNameEndingWith("Util")
          .orShould()
          .haveSimpleNameEndingWith("Utils")
          .orShould()
          .haveSimpleNameEndingWith("Manager");

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
