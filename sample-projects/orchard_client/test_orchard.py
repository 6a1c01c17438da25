"""Unit tests of orchard.py (standard library only): ``python3 -m unittest`` in this folder.

Signal tests run a child Python that imports the client, so the test runner's own handlers stay untouched.
"""
import contextlib
import fractions
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import unittest
from pathlib import Path
from unittest import mock

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import orchard  # noqa: E402  (after the path is set)

# Generous upper bounds only: they end a test that hangs, they never decide one that works.
TIMEOUT = 60
ORCHARD_VARS = ("ORCHARD_TRIAL_ID", "ORCHARD_EXPERIMENT_ID", "ORCHARD_PARAMS", "ORCHARD_CHECKPOINT_DIR",
                "ORCHARD_RESUME_FROM")


def clean_env(**values):
    """os.environ without the ORCHARD_ variables of whoever runs the tests, plus ``values``."""
    env = {k: v for k, v in os.environ.items() if k not in ORCHARD_VARS}
    env.update(values)
    return env


def reported(text):
    """The JSON objects of the @orchard lines in ``text``."""
    return [json.loads(line[len("@orchard "):]) for line in text.splitlines() if line.startswith("@orchard ")]


class ReportTest(unittest.TestCase):
    def capture(self, *args, **kwargs):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            orchard.report(*args, **kwargs)
        return out.getvalue()

    def test_prints_one_line_with_the_step_and_the_metrics(self):
        text = self.capture(3, loss=0.25, accuracy=1)
        self.assertTrue(text.startswith("@orchard {"))
        self.assertEqual(text.count("\n"), 1)
        self.assertEqual(reported(text), [{"step": 3, "loss": 0.25, "accuracy": 1}])

    def test_floats_round_trip_exactly(self):
        x = 0.1 + 0.2
        self.assertEqual(reported(self.capture(0, loss=x))[0]["loss"], x)

    def test_names_that_are_not_identifiers_go_in_a_dict(self):
        self.assertEqual(reported(self.capture(2, {"val/loss": 0.5}, lr=0.1)), [{"step": 2, "val/loss": 0.5, "lr": 0.1}])

    def test_other_real_numbers_are_converted(self):
        self.assertEqual(reported(self.capture(1, f=fractions.Fraction(1, 4)))[0]["f"], 0.25)

    def test_rejects_values_that_are_no_finite_numbers(self):
        for bad in (float("nan"), float("inf"), float("-inf"), "0.5", None, True, [1.0], {"a": 1}, 1j):
            with self.subTest(bad=bad):
                with self.assertRaises(ValueError) as e:
                    self.capture(1, loss=bad)
                self.assertIn("'loss'", str(e.exception))

    def test_a_rejected_report_prints_nothing(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), self.assertRaises(ValueError):
            orchard.report(1, good=1.0, bad=float("nan"))
        self.assertEqual(out.getvalue(), "")

    def test_tensor_like_values_get_a_hint(self):
        class Tensor:
            def item(self):
                return 0.5
        with self.assertRaisesRegex(ValueError, r"\.item\(\)"):
            self.capture(1, loss=Tensor())

    def test_rejects_bad_steps_and_empty_reports(self):
        for bad in (-1, 1.5, "3", None, True):
            with self.subTest(step=bad), self.assertRaisesRegex(ValueError, "step"):
                self.capture(bad, loss=1.0)
        with self.assertRaisesRegex(ValueError, "at least one metric"):
            self.capture(1)
        with self.assertRaisesRegex(ValueError, "step"):
            self.capture(1, {"step": 2})
        with self.assertRaisesRegex(ValueError, "names"):
            self.capture(1, {"": 2})

    def test_lines_from_many_threads_never_interleave(self):
        class SlowStream(io.StringIO):
            """Writes a character at a time and lets other threads run in between, as a chunking pipe could."""

            def write(self, s):
                for c in s:
                    super().write(c)
                    time.sleep(0)
                return len(s)

        out = SlowStream()
        threads, per_thread = 6, 40

        def work(k):
            for i in range(per_thread):
                orchard.report(i, {"thread": k, "value_%d" % k: i * 0.5})

        with contextlib.redirect_stdout(out):
            ts = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
            for t in ts:
                t.start()
            for t in ts:
                t.join(TIMEOUT)
        lines = out.getvalue().splitlines()
        self.assertEqual(len(lines), threads * per_thread)
        rows = reported(out.getvalue())  # every line parses: nothing was torn
        self.assertEqual(len(rows), threads * per_thread)
        for k in range(threads):
            self.assertEqual([r["step"] for r in rows if r["thread"] == k], list(range(per_thread)))


class EnvironmentTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.dir = Path(self.tmp.name)

    def env(self, **values):
        return mock.patch.dict(os.environ, clean_env(**values), clear=True)

    def test_params_merge_orchard_params_over_defaults(self):
        with self.env(ORCHARD_PARAMS='{"lr": 0.5, "act": "relu", "extra": 3}'):
            self.assertEqual(orchard.params({"lr": 0.1, "epochs": 10}),
                             {"lr": 0.5, "epochs": 10, "act": "relu", "extra": 3})

    def test_params_outside_orchard_are_a_copy_of_the_defaults(self):
        defaults = {"lr": 0.1}
        with self.env():
            got = orchard.params(defaults)
            self.assertEqual(got, defaults)
            self.assertIsNot(got, defaults)
            self.assertEqual(orchard.params(), {})
        with self.env(ORCHARD_PARAMS=""):
            self.assertEqual(orchard.params(defaults), defaults)

    def test_malformed_params_are_a_clear_error(self):
        with self.env(ORCHARD_PARAMS="{lr: 1"), self.assertRaisesRegex(ValueError, "ORCHARD_PARAMS is not valid JSON"):
            orchard.params()
        with self.env(ORCHARD_PARAMS="[1, 2]"), self.assertRaisesRegex(ValueError, "must be a JSON object"):
            orchard.params()

    def test_identity(self):
        with self.env(ORCHARD_TRIAL_ID="7", ORCHARD_EXPERIMENT_ID="3"):
            self.assertEqual((orchard.trial_id(), orchard.experiment_id()), ("7", "3"))
        with self.env():
            self.assertEqual((orchard.trial_id(), orchard.experiment_id()), (None, None))

    def test_checkpoint_dir_is_orchards_and_is_created(self):
        target = self.dir / "ck" / "1" / "4"
        with self.env(ORCHARD_CHECKPOINT_DIR=str(target)):
            self.assertEqual(orchard.checkpoint_dir(), target)
            self.assertTrue(target.is_dir())

    def test_checkpoint_dir_outside_orchard_is_local(self):
        cwd = os.getcwd()
        self.addCleanup(os.chdir, cwd)
        os.chdir(str(self.dir))
        with self.env():
            self.assertEqual(orchard.checkpoint_dir(), Path("orchard-checkpoints", "local"))
        with self.env(ORCHARD_TRIAL_ID="5"):
            self.assertEqual(orchard.checkpoint_dir(), Path("orchard-checkpoints", "5"))
        self.assertTrue((self.dir / "orchard-checkpoints" / "5").is_dir())

    def test_resume_from(self):
        with self.env(ORCHARD_RESUME_FROM=""):
            self.assertIsNone(orchard.resume_from())
        with self.env():
            self.assertIsNone(orchard.resume_from())
        with self.env(ORCHARD_RESUME_FROM=str(self.dir)):
            self.assertEqual(orchard.resume_from(), self.dir)


class CheckpointTest(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.dir = Path(tmp.name)
        self.ck = self.dir / "ck"
        patcher = mock.patch.dict(os.environ, clean_env(ORCHARD_CHECKPOINT_DIR=str(self.ck)), clear=True)
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_json_and_bytes_round_trip(self):
        path = orchard.save_checkpoint({"epoch": 3, "w": [0.5, 1.5]})
        self.assertEqual(path, self.ck / "state.json")
        orchard.save_checkpoint(b"\x00\x01binary", "model.bin")
        self.assertEqual(orchard.load_checkpoint("state.json", self.ck), {"epoch": 3, "w": [0.5, 1.5]})
        self.assertEqual(orchard.load_checkpoint("model.bin", self.ck), b"\x00\x01binary")
        self.assertEqual(sorted(p.name for p in self.ck.iterdir()), ["model.bin", "state.json"])  # no temp left

    def test_load_reads_from_resume_from_by_default(self):
        self.assertIsNone(orchard.load_checkpoint("state.json"))  # a fresh start
        orchard.save_checkpoint({"epoch": 2})
        with mock.patch.dict(os.environ, {"ORCHARD_RESUME_FROM": str(self.ck)}):
            self.assertEqual(orchard.load_checkpoint(), {"epoch": 2})
            self.assertIsNone(orchard.load_checkpoint("missing.json"))

    def test_an_object_that_cannot_be_encoded_leaves_the_old_checkpoint(self):
        orchard.save_checkpoint({"epoch": 1})
        with self.assertRaisesRegex(ValueError, "cannot encode"):
            orchard.save_checkpoint({"epoch": object()})
        self.assertEqual(orchard.load_checkpoint("state.json", self.ck), {"epoch": 1})
        self.assertEqual([p.name for p in self.ck.iterdir()], ["state.json"])

    def test_a_failure_inside_atomic_write_leaves_the_old_file(self):
        orchard.save_checkpoint(b"old", "model.pt")
        with self.assertRaises(RuntimeError):
            with orchard.atomic_write("model.pt") as tmp:
                tmp.write_bytes(b"half of the new")
                raise RuntimeError("killed mid-write")
        self.assertEqual((self.ck / "model.pt").read_bytes(), b"old")
        self.assertEqual([p.name for p in self.ck.iterdir()], ["model.pt"])

    def test_names_must_be_plain(self):
        for bad in ("", "..", "a/b", "../x.json"):
            with self.subTest(name=bad), self.assertRaisesRegex(ValueError, "plain file name"):
                orchard.save_checkpoint({}, bad)

    def test_a_writer_killed_mid_write_leaves_the_previous_checkpoint(self):
        # The child saves version 1, then starts writing version 2 slowly and is SIGKILLed halfway through it.
        child = textwrap.dedent("""
            import sys, time
            sys.path.insert(0, sys.argv[1])
            import orchard
            orchard.save_checkpoint({"version": 1, "pad": "x" * 100000})
            with orchard.atomic_write("state.json") as tmp:
                with open(tmp, "w") as f:
                    f.write('{"version": 2, "pad": "')
                    f.flush()
                    print("writing", flush=True)
                    while True:
                        f.write("y" * 1000)
                        time.sleep(0.01)
        """)
        p = subprocess.Popen([sys.executable, "-c", child, str(HERE)], env=dict(os.environ),
                             stdout=subprocess.PIPE, text=True)
        self.addCleanup(p.stdout.close)
        self.assertEqual(p.stdout.readline().strip(), "writing")
        p.kill()
        p.wait(TIMEOUT)
        self.assertEqual(orchard.load_checkpoint("state.json", self.ck), {"version": 1, "pad": "x" * 100000})
        self.assertTrue((self.ck / ".state.json.tmp").exists())  # the torn write stayed in the temp file
        orchard.save_checkpoint({"version": 3})  # the next save reuses it
        self.assertEqual([p.name for p in self.ck.iterdir()], ["state.json"])
        self.assertEqual(orchard.load_checkpoint("state.json", self.ck), {"version": 3})


class SignalTest(unittest.TestCase):
    """Real signals to a child Python that uses the client."""

    LOOP = textwrap.dedent("""
        import os, signal, sys, time
        sys.path.insert(0, sys.argv[1])
        {before}
        import orchard
        step = 0
        orchard.install_signal_handlers()
        while not orchard.should_stop():
            step += 1
            orchard.save_checkpoint({{"step": step}})
            orchard.report(step, loss=1.0 / step)
            time.sleep(0.02)
        print("stopped after step", step, flush=True)
    """)

    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.ck = Path(tmp.name) / "ck"

    def start(self, before=""):
        env = clean_env(ORCHARD_CHECKPOINT_DIR=str(self.ck), ORCHARD_TRIAL_ID="0")
        script = self.LOOP.format(before=before)
        p = subprocess.Popen([sys.executable, "-c", script, str(HERE)], env=env, stdout=subprocess.PIPE, text=True)
        self.addCleanup(lambda: p.poll() is None and p.kill())
        self.addCleanup(p.stdout.close)
        return p

    def await_steps(self, p, n):
        """Reads lines until the child reported step ``n``; returns the lines read."""
        lines = []
        while True:
            line = p.stdout.readline()
            self.assertTrue(line, "the child ended before step %d: %s" % (n, lines))
            lines.append(line)
            if reported(line) and reported(line)[0]["step"] >= n:
                return lines

    def finish(self, p, lines):
        out, _ = p.communicate(timeout=TIMEOUT)
        return "".join(lines) + out

    def test_sigterm_lets_the_trainer_checkpoint_and_exit_cleanly(self):
        p = self.start()
        lines = self.await_steps(p, 3)
        p.send_signal(signal.SIGTERM)
        text = self.finish(p, lines)
        self.assertEqual(p.returncode, 0, text)
        last = reported(text)[-1]["step"]
        self.assertIn("stopped after step %d" % last, text)
        self.assertEqual(json.loads((self.ck / "state.json").read_text()), {"step": last})

    def test_repeated_sigterms_still_stop_gracefully(self):
        # the engine may send SIGTERM more than once while it waits for the trial to end
        p = self.start()
        lines = self.await_steps(p, 2)
        for _ in range(5):
            p.send_signal(signal.SIGTERM)
        text = self.finish(p, lines)
        self.assertEqual(p.returncode, 0, text)
        self.assertIn("stopped after step", text)

    def test_a_previous_handler_is_still_called(self):
        before = ("signal.signal(signal.SIGTERM, lambda s, f: print('own handler', flush=True))")
        p = self.start(before)
        lines = self.await_steps(p, 2)
        p.send_signal(signal.SIGTERM)
        text = self.finish(p, lines)
        self.assertEqual(p.returncode, 0, text)
        self.assertIn("own handler", text)
        self.assertIn("stopped after step", text)

    def test_first_sigint_stops_gracefully(self):
        p = self.start()
        lines = self.await_steps(p, 2)
        p.send_signal(signal.SIGINT)
        text = self.finish(p, lines)
        self.assertEqual(p.returncode, 0, text)
        self.assertIn("stopped after step", text)

    def test_second_sigint_interrupts_as_usual(self):
        # a child that keeps working after the first SIGINT: the second one must still reach it
        script = textwrap.dedent("""
            import sys, time
            sys.path.insert(0, sys.argv[1])
            import orchard
            orchard.install_signal_handlers()
            print("ready", flush=True)
            try:
                while not orchard.should_stop():
                    time.sleep(0.01)
                print("asked to stop", flush=True)
                while True:
                    time.sleep(0.01)
            except KeyboardInterrupt:
                print("interrupted", flush=True)
        """)
        p = subprocess.Popen([sys.executable, "-c", script, str(HERE)], env=clean_env(),
                             stdout=subprocess.PIPE, text=True)
        self.addCleanup(lambda: p.poll() is None and p.kill())
        self.addCleanup(p.stdout.close)
        self.assertEqual(p.stdout.readline().strip(), "ready")
        p.send_signal(signal.SIGINT)
        self.assertEqual(p.stdout.readline().strip(), "asked to stop")
        p.send_signal(signal.SIGINT)
        out, _ = p.communicate(timeout=TIMEOUT)
        self.assertEqual(out.strip(), "interrupted")
        self.assertEqual(p.returncode, 0)

    def test_handlers_are_installed_lazily_by_should_stop(self):
        script = textwrap.dedent("""
            import signal, sys
            sys.path.insert(0, sys.argv[1])
            import orchard
            print(signal.getsignal(signal.SIGTERM) is signal.SIG_DFL)
            orchard.should_stop()
            print(signal.getsignal(signal.SIGTERM) is signal.SIG_DFL)
            orchard.request_stop()
            print(orchard.should_stop())
        """)
        out = subprocess.run([sys.executable, "-c", script, str(HERE)], env=clean_env(), stdout=subprocess.PIPE,
                             text=True, timeout=TIMEOUT, check=True).stdout
        self.assertEqual(out.split(), ["True", "False", "True"])

    def test_from_another_thread_it_warns_instead_of_failing(self):
        script = textwrap.dedent("""
            import sys, threading, warnings
            sys.path.insert(0, sys.argv[1])
            import orchard
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                t = threading.Thread(target=lambda: print(orchard.should_stop()))
                t.start(); t.join()
            print(len(caught), "main thread" in str(caught[0].message))
            print(orchard.install_signal_handlers())
        """)
        out = subprocess.run([sys.executable, "-c", script, str(HERE)], env=clean_env(), stdout=subprocess.PIPE,
                             text=True, timeout=TIMEOUT, check=True).stdout
        self.assertEqual(out.split(), ["False", "1", "True", "True"])


if __name__ == "__main__":
    unittest.main()
