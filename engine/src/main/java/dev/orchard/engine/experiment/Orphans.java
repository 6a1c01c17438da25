package dev.orchard.engine.experiment;

import dev.orchard.engine.execute.ProcessTree;
import dev.orchard.engine.execute.RunRecord;
import dev.orchard.engine.store.TrialProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;

/** Ends what is left of the runs of trials whose engine died, where no runner picks them up. */
final class Orphans {
    private static final Logger LOG = LoggerFactory.getLogger(Orphans.class);

    private Orphans() {
    }

    /** The process group recorded in the store for a trial (runs of builds that kept no run record). */
    static ProcessTree.Outcome end(TrialProcess p, Duration grace) {
        ProcessTree.Outcome what = ProcessTree.killOrphan(p.pid(), p.startedAt(), grace);
        LOG.info("trial {}: process group {} left by the previous engine: {}", p.trial(), p.pid(), what);
        return what;
    }

    /** The run recorded beside a trial's log: its process group, and every process that carries its run id. */
    static void endRun(Path log, Duration grace) {
        RunRecord.read(log).ifPresent(r -> r.end(grace));
    }
}
