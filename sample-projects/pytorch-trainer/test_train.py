"""Tests of the PyTorch trainer as Orchard runs it (a process, signals, checkpoint directories):
``python3 -m unittest`` in this folder. Skipped when no Python with torch is found (see torch_python.py).

The trainer is started as ``<this python> train.py``, like the experiment's command, so when this interpreter has
no torch the re-execution into one that has it is tested too. It runs on the CPU (CUDA_VISIBLE_DEVICES empty), where
it is deterministic: a resumed run must continue exactly where the stopped one left off.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import torch_python  # noqa: E402

TORCH_PYTHON = torch_python.find()
TIMEOUT = 180  # an upper bound against hangs only; a run takes a few seconds
ARGS = ["--hidden", "32", "--lr", "0.01", "--optimizer", "adam"]


def env(**values):
    e = {k: v for k, v in os.environ.items() if not k.startswith("ORCHARD_") or k == "ORCHARD_PYTHON"}
    e.update(CUDA_VISIBLE_DEVICES="", PYTHONUNBUFFERED="1", ORCHARD_TRIAL_ID="0")
    e.update(values)
    return e


def metrics(text):
    return [json.loads(line[len("@orchard "):]) for line in text.splitlines() if line.startswith("@orchard ")]


@unittest.skipIf(TORCH_PYTHON is None, "no Python with torch found (tried %s); set ORCHARD_PYTHON"
                 % ", ".join(torch_python.candidates()))
class TrainerTest(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.tmp = Path(tmp.name)

    def run_trainer(self, epochs, **environment):
        p = subprocess.run([sys.executable, str(HERE / "train.py"), *ARGS, "--epochs", str(epochs)], env=env(**environment),
                           cwd=str(self.tmp), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=TIMEOUT)
        self.assertEqual(p.returncode, 0, p.stdout)
        return p.stdout

    def test_sigterm_mid_run_then_resume_continues_the_epochs(self):
        stopped = self.tmp / "stopped"
        p = subprocess.Popen([sys.executable, str(HERE / "train.py"), *ARGS, "--epochs", "1000"],
                             env=env(ORCHARD_CHECKPOINT_DIR=str(stopped)), cwd=str(self.tmp),
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.addCleanup(lambda: p.poll() is None and p.kill())
        lines = []
        while not any(m["step"] >= 3 for m in metrics("".join(lines))):
            line = p.stdout.readline()
            self.assertTrue(line, "the trainer ended early:\n" + "".join(lines))
            lines.append(line)
        p.send_signal(signal.SIGTERM)  # as Orchard does to prune, pause or stop a trial
        out, _ = p.communicate(timeout=TIMEOUT)
        first = "".join(lines) + out
        self.assertEqual(p.returncode, 0, first)
        last = metrics(first)[-1]["step"]
        self.assertGreaterEqual(last, 3)
        self.assertLess(last, 1000)
        self.assertIn("stopping after epoch %d as asked" % last, first)
        self.assertTrue((stopped / "checkpoint.pt").is_file())
        self.assertEqual([f.name for f in stopped.iterdir()], ["checkpoint.pt"])  # no temp file left

        # Restarted with ORCHARD_RESUME_FROM, as after a pause: it goes on from the next epoch.
        total = last + 3
        resumed = self.run_trainer(total, ORCHARD_CHECKPOINT_DIR=str(self.tmp / "resumed"),
                                   ORCHARD_RESUME_FROM=str(stopped))
        self.assertIn("after epoch %d" % last, resumed)
        steps = [m["step"] for m in metrics(resumed)]
        self.assertEqual(steps, list(range(last + 1, total + 1)))

        # ... and exactly as if it had never stopped: model, optimizer and random state all came back.
        straight = self.run_trainer(total, ORCHARD_CHECKPOINT_DIR=str(self.tmp / "straight"))
        expected = [m for m in metrics(straight) if m["step"] > last]
        for got, want in zip(metrics(resumed), expected):
            self.assertAlmostEqual(got["val_loss"], want["val_loss"], delta=1e-4)
        # the curve before the stop matches too (same seed, same data)
        for got, want in zip(metrics(first), metrics(straight)[:last]):
            self.assertAlmostEqual(got["val_loss"], want["val_loss"], delta=1e-4)

    def test_params_come_from_orchard_params_when_no_flags_are_given(self):
        out = subprocess.run([sys.executable, str(HERE / "train.py")], cwd=str(self.tmp), stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT,
                             env=env(ORCHARD_CHECKPOINT_DIR=str(self.tmp / "ck"),
                                     ORCHARD_PARAMS=json.dumps({"lr": 0.02, "hidden": 16, "dropout": 0.0,
                                                                "optimizer": "sgd", "epochs": 2}))).stdout
        self.assertIn("lr=0.02 hidden=16 dropout=0 optimizer=sgd weight_decay=0 epochs=2", out)
        self.assertEqual([m["step"] for m in metrics(out)], [1, 2])
        for m in metrics(out):
            self.assertEqual(set(m), {"step", "val_loss", "val_acc", "train_loss"})
            self.assertGreater(m["val_loss"], 0)
            self.assertTrue(0 <= m["val_acc"] <= 1)


if __name__ == "__main__":
    unittest.main()
