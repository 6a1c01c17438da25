package dev.orchard.engine.experiment;

import dev.orchard.engine.json.Specs;
import dev.orchard.engine.store.ExperimentRecord;
import dev.orchard.engine.trial.Trial;

import java.nio.file.Path;
import java.util.List;

/**
 * Why an experiment imported from an export file is not resumed here. An import is a record of a run elsewhere: the
 * processes and checkpoint folders of its trials stayed on that machine, it has no sweep checkpoint, and it does not
 * know which folder its commands ran in. Running its spec again ({@code orchard run EXPORT.json}) starts a new
 * experiment whose commands run in the export file's folder.
 */
final class Imports {
    private Imports() {
    }

    static String notResumable(ExperimentRecord rec, List<Trial> trials) {
        long open = trials.stream().filter(t -> !t.state().finished()).count();
        StringBuilder b = new StringBuilder("experiment " + rec.id() + " was imported from an export file");
        if (open == 0) {
            b.append(" and all its trials have ended: there is nothing to resume");
        } else {
            b.append(" while ").append(open).append(open == 1 ? " trial was" : " trials were").append(" not finished; their"
                    + " processes and checkpoints stayed on the machine that ran them, so they cannot continue here");
        }
        b.append(". To search on here, run the export again as a new experiment: orchard run EXPORT.json");
        try {
            Path folder = Path.of("EXPORT-FOLDER").toAbsolutePath().normalize();
            List<SpecCommands.Use> uses = SpecCommands.of(Specs.parse(rec.specJson(), "experiment " + rec.id()), folder);
            if (!uses.isEmpty()) {
                Path dir = uses.get(0).workdir();
                String where = dir.equals(folder) ? "the folder of EXPORT.json"
                        : dir.startsWith(folder) ? "'" + folder.relativize(dir) + "' inside the folder of EXPORT.json"
                        : "'" + dir + "'";
                SpecCommands.Use first = uses.get(0);
                b.append(" — its trials run '").append(shorten(first.text())).append("' in ").append(where)
                        .append(dir.startsWith(folder) ? ", so put the file in the project's folder first, or set the spec's"
                                + " \"workdir\" to that folder" : ", which must exist on this machine");
            }
        } catch (RuntimeException unreadable) {
            // a spec this version cannot read: the advice above still holds
        }
        return b.toString();
    }

    private static String shorten(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
