#!/usr/bin/env python3
"""Fault campaign for crash-resume of command trials (issue 14): a sweep of trainers whose true values are known is
run with `orchard run`, the engine is killed with SIGKILL one to three times at random moments (three times in ten
together with every trial process: a machine that died), resumed with `orchard resume` after each kill, and finished;
then every trial must be completed with its true final value and its whole series, each step once.

    python3 engine/src/test/campaigns/crash_resume.py [--orchard ./orchard] [--runs 30] [--seed 7] [--work DIR]

Standard library only. Prints one line per run and the counts: tried / survived / lost.
"""
import argparse, json, os, random, shutil, signal, subprocess, tempfile, time

TRAINER = r'''#!/bin/sh
# logs nowhere but its reports, and ignores a broken pipe: it trains on when its engine dies
trap "" PIPE
x=$1
from=0
if [ -n "$ORCHARD_RESUME_FROM" ] && [ -f "$ORCHARD_RESUME_FROM/step" ]; then from=$(cat "$ORCHARD_RESUME_FROM/step"); fi
step=$from
while [ $step -lt 12 ]; do
  sleep 0.15
  step=$((step + 1))
  loss=$(awk -v s=$step -v x=$x 'BEGIN { printf "%.12f", x + 10 * (12 - s) }')
  echo "@orchard {\"step\": $step, \"loss\": $loss}" 2>/dev/null
  echo $step > "$ORCHARD_CHECKPOINT_DIR/step.tmp" && mv "$ORCHARD_CHECKPOINT_DIR/step.tmp" "$ORCHARD_CHECKPOINT_DIR/step"
done
'''
STEPS = 12
TRIALS = 9


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--orchard', default='./orchard')
    ap.add_argument('--runs', type=int, default=30)
    ap.add_argument('--seed', type=int, default=7)
    ap.add_argument('--work', default=None)
    a = ap.parse_args()
    work = a.work or tempfile.mkdtemp(prefix='orchard-crash-')
    os.makedirs(work, exist_ok=True)
    trainer = os.path.join(work, 'trainer.sh')
    with open(trainer, 'w') as f:
        f.write(TRAINER)
    os.chmod(trainer, 0o755)
    spec = os.path.join(work, 'spec.json')
    with open(spec, 'w') as f:
        json.dump({"format": "orchard.experiment/1", "name": "crash-campaign",
                   "space": {"params": [{"name": "x", "type": "uniform", "low": 0, "high": 1}]},
                   "optimizer": "random", "scheduler": {"type": "sync_batch", "batch_size": 3},
                   "objective": {"type": "command", "command": ["sh", trainer, "{x}"], "metric": "loss"},
                   "budget": TRIALS, "seed": 5}, f)
    env = dict(os.environ, ORCHARD_NO_BUILD='1', CRASH_CAMPAIGN=work)

    def cli(*args):
        return subprocess.Popen([a.orchard, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)

    def kill_trials():
        mark = ('CRASH_CAMPAIGN=' + work).encode()
        for p in os.listdir('/proc'):
            try:
                if p.isdigit() and mark in open(f'/proc/{p}/environ', 'rb').read().split(b'\0'):
                    os.kill(int(p), signal.SIGKILL)
            except (OSError, ValueError):
                pass

    rnd = random.Random(a.seed)
    counts = {'tried': 0, 'survived': 0, 'lost': 0, 'kills': 0, 'with_trials': 0, 'before_stored': 0}
    for run in range(a.runs):
        d = os.path.join(work, f'run{run}')
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        db = os.path.join(d, 'history')
        p = cli('run', spec, '--db', db, '-q')
        # the first kill falls while trials run (before the sweep is stored there is nothing to lose); later ones
        # at any moment of a resume, its start included
        logs = os.path.join(d, 'logs')
        deadline = time.time() + 60
        while not os.path.isdir(logs) and p.poll() is None and time.time() < deadline:
            time.sleep(0.02)
        kills = rnd.randint(1, 3)
        for k in range(kills):
            time.sleep(rnd.uniform(0.0, 3.0) if k == 0 else rnd.uniform(0.5, 4.0))
            if p.poll() is None:
                p.kill()
                p.wait()
                counts['kills'] += 1
                if rnd.random() < 0.3:
                    counts['with_trials'] += 1
                    kill_trials()
            if k < kills - 1:
                p = cli('resume', '1', '--db', db, '-q')
        if p.poll() is None:
            p.wait()
        else:
            r = cli('resume', '1', '--db', db, '-q')
            out = r.communicate()[0].decode()
            if 'no experiment with id 1' in out:  # killed before it was stored: nothing to lose
                counts['before_stored'] += 1
                r = cli('run', spec, '--db', db, '-q')
                out = r.communicate()[0].decode()
            if r.returncode != 0 and 'nothing to resume' not in out:
                print(run, 'resume failed:', out[-400:])
        e = cli('export', '1', '--db', db, '-o', os.path.join(d, 'export.json'))
        out = e.communicate()[0].decode()
        problems = []
        try:
            data = json.load(open(os.path.join(d, 'export.json')))
        except OSError:
            data = {'trials': []}
            problems.append('no export: ' + out[-300:])
        if len(data['trials']) != TRIALS:
            problems.append(f"{len(data['trials'])} trials")
        for t in data['trials']:
            x = t['params']['x']
            series = t.get('metrics', {}).get('loss', [])
            if t['state'] != 'completed' or t.get('value') is None or abs(t['value'] - x) > 1e-9:
                problems.append(f"trial {t['number']}: {t['state']} value={t.get('value')} true={x} {t.get('error') or ''}")
            if [s[0] for s in series] != list(range(1, STEPS + 1)):
                problems.append(f"trial {t['number']}: steps {[s[0] for s in series]}")
            elif any(abs(s[1] - (x + 10 * (STEPS - s[0]))) > 1e-9 for s in series):
                problems.append(f"trial {t['number']}: a stored value differs from the reported one")
        counts['tried'] += 1
        counts['lost' if problems else 'survived'] += 1
        print(run, f'kills {kills}', 'OK' if not problems else 'LOST ' + '; '.join(problems[:4]), flush=True)
    print(counts)


if __name__ == '__main__':
    main()
