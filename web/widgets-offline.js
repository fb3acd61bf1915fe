// Lets the ipywidgets HTML manager (html-manager/embed-amd.js) work from the book's own
// _static folder, without a network or a kernel.
(function () {
  // 1. It finds its font files relative to the RequireJS URL of its own module, by default
  //    the page's folder: point that module name at the copy in _static.
  var here = document.currentScript.src.replace(/[^/]*$/, "");
  window.require.config({
    paths: { "@jupyter-widgets/html-manager/dist": here + "html-manager" },
  });
  // 2. It typesets widget labels with MathJax 2's MathJax.Hub.Queue; the book loads
  //    MathJax 3 (deferred, so it exists by DOMContentLoaded, before widgets render).
  //    Give it the one call it makes, in MathJax 3's terms.
  document.addEventListener("DOMContentLoaded", function () {
    var mj = window.MathJax;
    if (mj && !mj.Hub) {
      mj.Hub = {
        Queue: function (job) {
          var element = job[2];
          mj.startup.promise.then(function () { return mj.typesetPromise([element]); });
        },
      };
    }
  });
})();
