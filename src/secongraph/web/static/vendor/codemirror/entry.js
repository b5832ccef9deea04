// The parts of CodeMirror 6 the query editor uses (static/editor.js), bundled into one file.
import { EditorView, basicSetup } from "codemirror";
import { keymap } from "@codemirror/view";
import { Prec } from "@codemirror/state";
import { StreamLanguage } from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";

window.CodeMirror6 = {
  EditorView, basicSetup, keymap, Prec, sparql: () => StreamLanguage.define(sparql),
};
