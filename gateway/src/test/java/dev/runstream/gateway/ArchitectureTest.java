package dev.runstream.gateway;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import dev.runstream.schemas.RunstreamArchitecture;

@AnalyzeClasses(packages = "dev.runstream", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest static final ArchTests RULES = ArchTests.in(RunstreamArchitecture.class);
}
