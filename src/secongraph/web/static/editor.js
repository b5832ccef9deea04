// The query editor (editor.html): turns the form's text area into a CodeMirror editor with SPARQL
// highlighting (static/vendor/codemirror). Ctrl-Enter (Cmd-Enter) runs the query; Tab is left to
// the browser, so the keyboard can leave the editor. Without this script the text area works.
//
// The editor lives in a shadow root: there CodeMirror puts its styles in constructed style
// sheets, which the site's strict Content-Security-Policy allows (in the document it would add
// <style> elements, which the policy refuses).
(function () {
  "use strict";
  var textarea = document.getElementById("query");
  var label = document.getElementById("query-label");
  var help = document.getElementById("query-help");
  var stylesheet = document.querySelector("link[href$='/static/editor.css']");
  var CM = window.CodeMirror6;
  if (!textarea || !CM || !stylesheet) {
    return;
  }
  var form = textarea.form;
  var host = document.createElement("div");
  host.className = "query-editor";
  textarea.parentNode.insertBefore(host, textarea);
  var shadow = host.attachShadow({ mode: "open" });
  var link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = stylesheet.href;
  shadow.appendChild(link);
  var run = function () {
    form.requestSubmit();
    return true;
  };
  var view = new CM.EditorView({
    doc: textarea.value,
    parent: shadow,
    root: shadow,
    extensions: [
      CM.Prec.highest(CM.keymap.of([{ key: "Mod-Enter", run: run }])),
      CM.basicSetup,
      CM.sparql(),
      CM.EditorView.lineWrapping,
      CM.EditorView.contentAttributes.of({
        "aria-label": label.textContent,
        "aria-description": help.textContent,
        "aria-multiline": "true",
      }),
    ],
  });
  textarea.hidden = true;
  label.addEventListener("click", function () {
    view.focus();
  });
  form.addEventListener("submit", function () {
    textarea.value = view.state.doc.toString();
  });
})();
