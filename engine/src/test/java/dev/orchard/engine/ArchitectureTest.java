package dev.orchard.engine;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The engine's layer rules (docs: DESIGN.md, "Dependencies run one way"), checked on its compiled main classes. */
@AnalyzeClasses(packages = "dev.orchard.engine", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule engineHasNoUi = noClasses().that().resideInAPackage("dev.orchard.engine..")
            .should().dependOnClassesThat().resideInAnyPackage("javafx..", "dev.orchard.app..")
            .because("the engine is a library and CLI without JavaFX; the app depends on it, never the reverse");

    @ArchTest
    static final ArchRule modelPackagesStayLow = noClasses()
            .that().resideInAnyPackage("dev.orchard.engine.space..", "dev.orchard.engine.trial..", "dev.orchard.engine.optimize..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.orchard.engine.execute..", "dev.orchard.engine.store..",
                    "dev.orchard.engine.experiment..", "dev.orchard.engine.cli..")
            .because("space, trial and optimize import nothing from execute, store, experiment or cli");

    @ArchTest
    static final ArchRule storeKnowsNoRunners = noClasses().that().resideInAPackage("dev.orchard.engine.store..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.orchard.engine.experiment..", "dev.orchard.engine.execute..",
                    "dev.orchard.engine.events..", "dev.orchard.engine.cli..", "dev.orchard.engine.curriculum..")
            .because("the store persists what it is given (curricula as JSON rows); the experiment package feeds it from the event bus");

    @ArchTest
    static final ArchRule lowLayersKnowNoPredictor = noClasses()
            .that().resideInAnyPackage("dev.orchard.engine.space..", "dev.orchard.engine.trial..", "dev.orchard.engine.optimize..",
                    "dev.orchard.engine.store..")
            .should().dependOnClassesThat().resideInAPackage("dev.orchard.engine.predict..")
            .because("the curve predictor builds on space, trial and events; the layers below it do not know it");

    @ArchTest
    static final ArchRule onlyCliUsesCli = noClasses().that().resideOutsideOfPackage("dev.orchard.engine.cli..")
            .should().dependOnClassesThat().resideInAPackage("dev.orchard.engine.cli..")
            .because("the CLI is the outermost layer");

    @ArchTest
    static final ArchRule curriculumSitsBesideOptimize = noClasses().that().resideInAPackage("dev.orchard.engine.curriculum..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.orchard.engine.experiment..", "dev.orchard.engine.execute..",
                    "dev.orchard.engine.protocol..", "dev.orchard.engine.cli..", "dev.orchard.engine.bench..")
            .because("curricula use only store, events and json; the protocol, CLI and bench use them");
}
