// The query editor (editor.html): turns the form's text area into a CodeMirror editor with SPARQL
// highlighting (static/vendor/codemirror). Ctrl-Enter (Cmd-Enter) runs the query; Tab is left to
// the browser, so the keyboard can leave the editor. Without this script the text area works.
(function () {
  "use strict";
  var textarea = document.getElementById("query");
  var CM = window.CodeMirror6;
  if (!textarea || !CM) {
    return;
  }
  var form = textarea.form;
  var run = function () {
    form.requestSubmit();
    return true;
  };
  var view = new CM.EditorView({
    doc: textarea.value,
    extensions: [
      CM.Prec.highest(CM.keymap.of([{ key: "Mod-Enter", run: run }])),
      CM.basicSetup,
      CM.sparql(),
      CM.EditorView.lineWrapping,
      CM.EditorView.contentAttributes.of({
        "aria-labelledby": "query-label",
        "aria-describedby": "query-help",
        "aria-multiline": "true",
      }),
    ],
  });
  textarea.parentNode.insertBefore(view.dom, textarea);
  textarea.hidden = true;
  document.getElementById("query-label").addEventListener("click", function () {
    view.focus();
  });
  form.addEventListener("submit", function () {
    textarea.value = view.state.doc.toString();
  });
})();
