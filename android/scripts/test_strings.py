#!/usr/bin/env python3
"""Tests of strings.py: the check passes on a catalogue in step with its
generated files and fails, naming the difference, on each way they drift.

Each test builds a small repository in a temporary folder: the two Android
resource files, then the generated files from `generate`.
Run: python3 android/scripts/test_strings.py
"""

import contextlib
import io
import json
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import strings  # noqa: E402

ZH = """<?xml version="1.0" encoding="utf-8"?>
<resources>
    <!-- a comment is allowed -->
    <string name="home_title">掌上投标</string>
    <string name="pin_tries_left">还可尝试 %1$d 次</string>
    <string name="home_logged_in_as">已登录：%1$s</string>
    <string name="project_round">第 %1$d 标段 第 %2$d 轮，100%% 到 \\"%3$s\\"</string>
</resources>
"""

EN = """<?xml version="1.0" encoding="utf-8"?>
<resources>
    <string name="home_title">Palmbid</string>
    <string name="pin_tries_left">%1$d tries left</string>
    <string name="home_logged_in_as">Logged in: %1$s</string>
    <string name="project_round">Section %1$d, round %2$d, 100%% at \\"%3$s\\" isn\\'t $x</string>
</resources>
"""


class StringsCheckTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = Path(self.tmp.name)
        self.write(strings.ZH_XML, ZH)
        self.write(strings.EN_XML, EN)
        self.assertEqual(self.run_command("generate")[0], 0)

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, relative, text):
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def read(self, relative):
        return (self.root / relative).read_text(encoding="utf-8")

    def run_command(self, command):
        """Exit code and what the command wrote to stderr."""
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = strings.main([command, "--root", str(self.root)])
        return code, err.getvalue()

    def assert_check_fails(self, *expected):
        code, err = self.run_command("check")
        self.assertEqual(code, 1, err)
        for text in expected:
            self.assertIn(text, err)

    def test_fresh_catalogue_passes(self):
        code, err = self.run_command("check")
        self.assertEqual(code, 0, err)

    def test_generated_kotlin_is_typed_from_placeholders(self):
        kotlin = self.read(strings.KOTLIN_OUT)
        self.assertIn("val homeTitle: String get()", kotlin)
        self.assertIn("fun pinTriesLeft(arg1: Int): String", kotlin)
        self.assertIn("fun homeLoggedInAs(arg1: String): String", kotlin)
        self.assertIn("fun projectRound(arg1: Int, arg2: Int, arg3: String): String", kotlin)
        # Android's escapes are undone, and Kotlin's `$` and quotes escaped.
        self.assertIn('isn\'t \\$x', kotlin)
        self.assertIn('at \\"%3\\$s\\"', kotlin)

    def test_xcstrings_converts_placeholders(self):
        document = json.loads(self.read(strings.XCSTRINGS_OUT))
        self.assertEqual(document["sourceLanguage"], "zh-Hans")
        unit = document["strings"]["project_round"]["localizations"]
        self.assertEqual(unit["zh-Hans"]["stringUnit"]["value"], '第 %1$lld 标段 第 %2$lld 轮，100%% 到 "%3$@"')
        self.assertEqual(unit["en"]["stringUnit"]["value"], 'Section %1$lld, round %2$lld, 100%% at "%3$@" isn\'t $x')

    def test_plain_text_keeps_a_percent_sign(self):
        self.write(strings.ZH_XML, ZH.replace("掌上投标", "费率 0.5%"))
        self.write(strings.EN_XML, EN.replace(">Palmbid<", ">Fee 0.5%<"))
        self.assertEqual(self.run_command("generate")[0], 0)
        self.assertIn('"费率 0.5%"', self.read(strings.KOTLIN_OUT))
        self.assertEqual(self.run_command("check")[0], 0)

    def test_key_missing_in_english_fails(self):
        self.write(strings.EN_XML, EN.replace('    <string name="home_title">Palmbid</string>\n', ""))
        self.assert_check_fails("home_title: in android/ui/src/main/res/values/strings.xml but missing in "
                                "android/ui/src/main/res/values-en/strings.xml")

    def test_placeholder_mismatch_between_languages_fails(self):
        self.write(strings.EN_XML, EN.replace("%1$d tries left", "%1$s tries left"))
        self.assert_check_fails("pin_tries_left: placeholders differ: zh-CN [%1$d], en [%1$s]")

    def test_stale_generated_file_fails(self):
        self.write(strings.ZH_XML, ZH.replace("掌上投标", "掌上开标"))
        self.write(strings.EN_XML, EN)
        self.assert_check_fails(f"{strings.KOTLIN_OUT}: stale", f"{strings.XCSTRINGS_OUT}: stale")

    def test_key_missing_in_ios_fails(self):
        document = json.loads(self.read(strings.XCSTRINGS_OUT))
        del document["strings"]["home_title"]
        document["strings"]["home_extra"] = document["strings"]["pin_tries_left"]
        self.write(strings.XCSTRINGS_OUT, json.dumps(document, ensure_ascii=False))
        self.assert_check_fails(
            f"home_title: in the Android catalogue but missing in {strings.XCSTRINGS_OUT}",
            f"home_extra: in {strings.XCSTRINGS_OUT} but missing in the Android catalogue",
        )

    def test_placeholder_changed_in_ios_fails(self):
        text = self.read(strings.XCSTRINGS_OUT).replace("%1$lld tries left", "%1$@ tries left")
        self.write(strings.XCSTRINGS_OUT, text)
        self.assert_check_fails("pin_tries_left: placeholders differ: Android [%1$lld], "
                                f"{strings.XCSTRINGS_OUT} (en) [%1$@]")

    def test_non_positional_placeholder_is_refused(self):
        self.write(strings.ZH_XML, ZH.replace("还可尝试 %1$d 次", "还可尝试 %d 次"))
        self.assert_check_fails("'%d' is not a positional placeholder")

    def test_gap_in_placeholders_is_refused(self):
        self.write(strings.ZH_XML, ZH.replace("已登录：%1$s", "已登录：%2$s"))
        self.write(strings.EN_XML, EN.replace("Logged in: %1$s", "Logged in: %2$s"))
        self.assert_check_fails("placeholders [2] must be numbered 1..1")

    def test_duplicate_key_is_refused(self):
        self.write(strings.EN_XML, EN.replace("</resources>", '    <string name="home_title">Again</string>\n</resources>'))
        self.assert_check_fails("key home_title appears twice")

    def test_generate_refuses_a_broken_catalogue(self):
        self.write(strings.EN_XML, EN.replace("%1$d tries left", "%1$s tries left"))
        before = self.read(strings.KOTLIN_OUT)
        code, err = self.run_command("generate")
        self.assertEqual(code, 1)
        self.assertIn("pin_tries_left", err)
        self.assertEqual(self.read(strings.KOTLIN_OUT), before)


if __name__ == "__main__":
    unittest.main()
