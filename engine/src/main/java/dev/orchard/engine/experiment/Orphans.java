package dev.orchard.engine.experiment;

import dev.orchard.engine.execute.ProcessTree;
import dev.orchard.engine.store.TrialProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/** Ends the process groups of trials whose engine died, before their sweep resumes. */
final class Orphans {
    private static final Logger LOG = LoggerFactory.getLogger(Orphans.class);

    private Orphans() {
    }

    static ProcessTree.Outcome end(TrialProcess p, Duration grace) {
        ProcessTree.Outcome what = ProcessTree.killOrphan(p.pid(), p.startedAt(), grace);
        LOG.info("trial {}: process group {} left by the previous engine: {}", p.trial(), p.pid(), what);
        return what;
    }
}
