#!/usr/bin/env python3
"""Tests of bench/bench_report.py:  python3 -m unittest discover -s bench -p 'test_bench_report.py'

testdata/bench-report/work is the work folder bench.sh --all left with stand-ins for java, PyTorch and
bench/averaging.sh (JSON lines in the commands' own format, some runs failing); expected.md is what the
previous bench.sh (sed and awk) wrote from the same command output, so the renderer is held to it line
for line. Only peak RSS (/usr/bin/time of the stand-ins: 0.0 GB) was set to 6.3 and 2.8 GB in one row, in
both the time reports and expected.md. The PyTorch section was rendered anew when issue 21 added its columns
(PyTorch with mishbench's GLIBC_TUNABLES, the RSS ratio, inference rows).
"""
import calendar
import os
import shutil
import tempfile
import unittest

import bench_report

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "testdata", "bench-report")


class BenchReportTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.work = os.path.join(self.tmp, "work")
        self.qs = os.path.join(self.tmp, "quickstart")
        shutil.copytree(os.path.join(FIXTURE, "work"), self.work)
        shutil.copytree(os.path.join(FIXTURE, "quickstart"), self.qs)
        # the quickstart table's date is its file's modification time (a checkout sets it to now)
        t = calendar.timegm((2026, 12, 1, 10, 20, 0))
        os.utime(os.path.join(self.qs, "aggregate", "comparison.md"), (t, t))

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def render(self):
        return bench_report.render(self.work, self.qs)

    def test_same_markdown_as_the_shell_report(self):
        with open(os.path.join(FIXTURE, "expected.md"), encoding="utf-8") as f:
            expected = f.read()
        self.assertEqual(expected.splitlines(), self.render().splitlines())

    def test_numbers_are_shown_as_the_commands_printed_them(self):
        out = self.render()
        self.assertIn("| mishbench | mish | 2.15 | 4.23 | 6.38 | 1.027E+7 |", out)  # not 10270000.0
        self.assertEqual("null", bench_report.field({"a": None}, "a"))
        self.assertEqual("", bench_report.field({"a": "1"}, "b"))
        self.assertEqual({"name": "x", "weights": "12"}, bench_report.parse_line('  {"name":"x","weights":12},'))

    def test_awk_numbers(self):
        self.assertEqual(0.0, bench_report.num("failed"))
        self.assertEqual(12.5, bench_report.num("12.5 GB"))
        self.assertEqual(1.027e7, bench_report.num("1.027E+7"))
        self.assertEqual("n/a", bench_report.ratio("3", "failed"))
        self.assertEqual("0.00", bench_report.ratio("failed", "3"))

    def test_least_squares_recovers_a_line(self):
        slope, intercept = bench_report.least_squares([(126, 40 + 126 * 0.37), (26, 40 + 26 * 0.37), (7, 40 + 7 * 0.37)])
        self.assertAlmostEqual(0.37, slope)
        self.assertAlmostEqual(40.0, intercept)
        self.assertIsNone(bench_report.least_squares([(5, 1.0)]))
        self.assertIsNone(bench_report.least_squares([(5, 1.0), (5, 2.0)]))

    def test_failed_runs_are_rows_not_errors(self):
        shutil.rmtree(os.path.join(self.work, "overhead-f20"))
        os.remove(os.path.join(self.work, "bench-fit.jsonl"))
        open(os.path.join(self.work, "train-cspresnext50-mish.json"), "w").close()
        out = self.render()
        self.assertIn("| train (Spark local[2]) | 20 | | failed: see mishbench-out/bench/overhead-f20.log | | | |", out)
        self.assertIn("| bench-fit (one process) | - | - | failed | | | |", out)
        self.assertIn("| train (Spark local[2]) | 5 | 26 | 70.2 | 49.7 | 80.5 | - |", out)
        self.assertIn("| cspresnext50 | mish | failed | 31.7 | - |", out)
        self.assertIn("| 246.6 | not measured | n/a (cspresnext50 failed) |", out)
        with open(os.path.join(self.work, "cspresnext50-batch2.json"), "w") as f:
            f.write('{"model":"cspresnext50","images_per_sec":1.23,"step_ms":1626.02}\n')
        self.assertIn("| 246.6 | 1.23 | 200x |", self.render())

    def test_only_pytorch_replaces_its_sections_and_keeps_the_others(self):
        existing = "\n".join(["# mishbench benchmarks", "", "old header",
                               "", "## Training throughput against PyTorch (old title)", "", "old table",
                               "", "## Spark overhead (kept)", "", "kept text",
                               "", "## What each change bought (old)", "", "old levers", ""])
        path = os.path.join(self.tmp, "BENCHMARKS.md")
        with open(path, "w", encoding="utf-8") as f:
            f.write(existing)
        import io
        import contextlib
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            bench_report.main([self.work, "--only-pytorch", path])
        out = buf.getvalue()
        self.assertNotIn("old table", out)
        self.assertNotIn("old levers", out)
        self.assertIn("kept text", out)
        self.assertIn("old header", out)
        self.assertLess(out.index("## Training throughput against PyTorch"), out.index("## Spark overhead"))
        self.assertLess(out.index("## Spark overhead"), out.index("## What each change bought"))
        self.assertIn("| resnet50 | mish | 307.41 | 31.7 | 9.70 |", out)

    def test_without_all_no_full_size_sections(self):
        with open(os.path.join(self.work, "facts.txt"), encoding="utf-8") as f:
            facts = f.read().replace("all=true", "all=false")
        with open(os.path.join(self.work, "facts.txt"), "w", encoding="utf-8") as f:
            f.write(facts)
        out = self.render()
        self.assertNotIn("## Full-size models", out)
        self.assertNotIn("## ND4J CPU binaries", out)
        self.assertIn("## Quickstart table", out)


if __name__ == "__main__":
    unittest.main()
