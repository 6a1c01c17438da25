package dev.orchard.app;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.orchard.engine.experiment.Orchard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The MVVM rules of the workbench. */
@AnalyzeClasses(packages = "dev.orchard.app", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** View-models hold state as properties and call the engine; they never touch the scene graph. */
    @ArchTest
    static final ArchRule viewModelsDoNotUseTheSceneGraph = noClasses()
            .that().haveSimpleNameEndingWith("ViewModel")
            .should().dependOnClassesThat().resideInAPackage("javafx.scene..")
            .because("a view-model is tested without a stage; only its *View binds controls to it");

    /** Nor do the helpers view-models use (async, messages, formatting, list syncing). */
    @ArchTest
    static final ArchRule supportIsSceneFree = noClasses()
            .that().resideInAPackage("dev.orchard.app.support..")
            .should().dependOnClassesThat().resideInAPackage("javafx.scene..");

    /** A view only binds: engine work goes through its view-model. */
    @ArchTest
    static final ArchRule viewsDoNotCallTheEngine = noClasses()
            .that().haveSimpleNameEndingWith("View")
            .should().dependOnClassesThat().areAssignableTo(Orchard.class)
            .orShould().dependOnClassesThat().haveSimpleName("Sweep");

    /** The workbench talks to engine facades, never to store internals. */
    @ArchTest
    static final ArchRule noStoreInternals = noClasses()
            .that().resideInAPackage("dev.orchard.app..")
            .should().dependOnClassesThat().haveFullyQualifiedName("dev.orchard.engine.store.Store")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.orchard.engine.store.WriteBatch");
}
