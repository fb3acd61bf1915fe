"""A Sphinx extension for the book's pages: each script and stylesheet once.

Under Jupyter Book 1.0.4, sphinx-thebe and sphinx-togglebutton register their inline
configuration scripts twice, and a second ``const THEBE_JS_URL`` is a script error in
every page. Drop exact repeats (same file or inline body, same attributes), keeping the
first, in order."""


def _unique(assets):
    seen, kept = set(), []
    for asset in assets:
        key = (getattr(asset, "filename", asset) or None,   # an inline script: None or ""
               tuple(sorted(getattr(asset, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            kept.append(asset)
    return kept


def _dedupe(app, pagename, templatename, context, doctree):
    for name in ("script_files", "css_files"):
        if name in context:
            context[name] = _unique(context[name])


def setup(app):
    app.connect("html-page-context", _dedupe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
