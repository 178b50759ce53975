package dev.runstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import dev.runstream.fixture.Api;
import dev.runstream.fixture.WidgetManager;
import dev.runstream.fixture.internal.Hidden;
import dev.runstream.fixture.stray.Misplaced;
import dev.runstream.fixtureclient.Caller;
import org.junit.jupiter.api.Test;

/** The shared rules catch what they are for, on classes planted to break each one. */
class RunstreamArchitectureTest {
  private static final JavaClasses PLANTED =
      new ClassFileImporter()
          .importClasses(
              Misplaced.class, Hidden.class, Api.class, WidgetManager.class, Caller.class);

  @Test
  void shouldReportClassWhenItLivesOutsideTheModuleLayout() {
    assertThat(details(RunstreamArchitecture.everyClassLivesInThePublicPackageOrInternal))
        .anySatisfy(line -> assertThat(line).contains(Misplaced.class.getName()));
  }

  @Test
  void shouldReportAccessWhenAnotherModuleUsesInternals() {
    assertThat(details(RunstreamArchitecture.internalsAreOnlyUsedByTheirOwnModule))
        .anySatisfy(line -> assertThat(line).contains(Caller.class.getName()))
        .noneSatisfy(line -> assertThat(line).contains(Api.class.getName()));
  }

  @Test
  void shouldReportMethodWhenPublicApiReturnsInternalType() {
    assertThat(details(RunstreamArchitecture.publicApiDoesNotExposeInternals))
        .anySatisfy(line -> assertThat(line).contains(Api.class.getName() + ".hidden()"));
  }

  @Test
  void shouldReportClassWhenItsNameIsVague() {
    assertThat(details(RunstreamArchitecture.namesSayWhatThingsAre))
        .anySatisfy(line -> assertThat(line).contains(WidgetManager.class.getName()));
  }

  @Test
  void shouldListEveryRuleWhenAllArePlanted() {
    assertThat(RunstreamArchitecture.RULES)
        .allSatisfy(rule -> assertThat(details(rule)).as(rule.getDescription()).isNotEmpty());
    assertThat(RunstreamArchitecture.violations(PLANTED)).hasSizeGreaterThanOrEqualTo(4);
  }

  private static java.util.List<String> details(ArchRule rule) {
    return rule.evaluate(PLANTED).getFailureReport().getDetails();
  }
}
