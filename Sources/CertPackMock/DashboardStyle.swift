/// The dashboard's stylesheet: system fonts, light and dark, one column in a narrow window.
enum DashboardStyle {
    static let css = #"""
:root{--bg:#f6f7f9;--panel:#fff;--ink:#1d2330;--muted:#5d6675;--line:#dde1e7;--accent:#1f5fbf;--accent-ink:#fff;
--ok:#17803d;--warn:#a15c00;--bad:#b42318;--off:#c9ced6;--focus:#ff9f1a;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#14171c;--panel:#1c2028;--ink:#e6e9ee;--muted:#9aa3b2;--line:#323846;--accent:#6ea8ff;--accent-ink:#0b1220;
--ok:#4ccb7a;--warn:#f0a43a;--bad:#ff6b5e;--off:#3a4150}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
code,.mono,pre,time{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12.5px}
h1{font-size:18px;margin:0}h2{font-size:15px;margin:0 0 8px}h3{font-size:13px;margin:12px 0 4px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:var(--panel);padding:4px 8px;z-index:9}
:focus-visible{outline:3px solid var(--focus);outline-offset:1px}
.top{display:flex;flex-wrap:wrap;align-items:center;gap:8px 20px;padding:10px 16px;background:var(--panel);border-bottom:1px solid var(--line);position:sticky;top:0;z-index:5}
.clock{margin:0;display:flex;gap:8px;align-items:center}.clock time{font-size:14px;font-weight:600}
.label,.muted{color:var(--muted)}.muted{font-weight:normal}
.live{font-size:11px;padding:1px 7px;border-radius:9px;background:var(--off);color:var(--ink)}
.live.on{background:var(--ok);color:#fff}.live.off{background:var(--bad);color:#fff}
.controls{display:flex;flex-wrap:wrap;gap:6px 10px;align-items:center;margin:0}
label{display:inline-flex;gap:5px;align-items:center;color:var(--muted)}
input,select,button{font:inherit;color:var(--ink);background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:4px 7px;min-height:30px}
input[type=number]{width:6.5em}input,select{max-width:100%}
button{cursor:pointer;background:var(--accent);color:var(--accent-ink);border-color:var(--accent);font-weight:600}
button.quiet{background:var(--panel);color:var(--accent);border-color:var(--line);font-weight:500}
button.danger{background:var(--bad);border-color:var(--bad);color:#fff}
button:disabled{opacity:.5;cursor:default}
.notice{margin:0;padding:0 16px;min-height:0}.notice:not(:empty){padding:8px 16px;background:#fff4e5;color:#7a3e00;border-bottom:1px solid #f3cf9c}
.notice.error:not(:empty){background:#fdecea;color:var(--bad);border-color:#f5c2bd}
main{display:grid;grid-template-columns:minmax(0,1fr);gap:16px;padding:16px;max-width:1600px;margin:0 auto}
@media (min-width:1100px){main{grid-template-columns:minmax(0,7fr) minmax(0,5fr)}}
.col{display:flex;flex-direction:column;gap:16px;min-width:0}
section{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:12px 14px;min-width:0}
table.grid{border-collapse:collapse;width:100%}
.grid th,.grid td{text-align:left;padding:5px 6px;border-bottom:1px solid var(--line);vertical-align:top}
.grid th{font-weight:600;color:var(--muted);font-size:12px}
.grid td.num{text-align:right;font-variant-numeric:tabular-nums}
meter{width:90px;height:10px;vertical-align:middle}td.quota{white-space:nowrap}
.link{background:none;border:none;color:var(--accent);padding:0;min-height:0;font-weight:600;text-align:left}
.legend{display:grid;grid-template-columns:repeat(5,minmax(0,1fr));gap:4px 6px;margin:4px 0 10px;font-size:11.5px}
.legend button{min-height:0;padding:4px 5px;border-radius:6px;font-weight:500;background:var(--bg);color:var(--ink);border:1px solid var(--line);text-align:center;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.legend button.fail{color:var(--bad);border-style:dashed}
.legend button[aria-pressed=true]{background:var(--accent);color:var(--accent-ink);border-color:var(--accent)}
.legend .arrow{grid-column:span 5;display:none}
.legend .n{font-weight:700;margin-left:3px}
.packs{list-style:none;margin:0;padding:0}
.zone-h{font-size:13px;margin:14px 0 4px;color:var(--muted)}
.pack{border-top:1px solid var(--line);padding:8px 0}
.pack-head{display:flex;flex-wrap:wrap;gap:4px 10px;align-items:center}.pack-head code{overflow-wrap:anywhere;min-width:0}
.hosts{font-weight:600;overflow-wrap:anywhere}
.pill{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;background:var(--off);color:var(--ink);white-space:nowrap}
.pill.active{background:var(--ok);color:#fff}.pill.pending{background:#dbe8ff;color:#123d80}.pill.fail{background:var(--bad);color:#fff}
@media (prefers-color-scheme:dark){.pill.pending{background:#24406e;color:#dbe8ff}}
.pinned{font-size:11px;color:var(--warn);font-weight:700}
.lc{display:flex;list-style:none;margin:6px 0 2px;padding:0;gap:3px;max-width:640px}
.lc li{flex:1 1 0;min-width:0;height:20px;border-radius:4px;font-size:10.5px;line-height:20px;text-align:center;overflow:hidden;white-space:nowrap;text-overflow:ellipsis;padding:0 3px;
background:var(--bg);color:var(--muted);border:1px solid var(--line)}
.lc li.done{background:#cfe3d6;color:#1b4d2c;border-color:#a9cdb6}
.lc li.current{background:var(--accent);color:var(--accent-ink);border-color:var(--accent);font-weight:700}
.lc li.current.final{background:var(--ok);border-color:var(--ok);color:#fff}
.lc li.branch{flex-grow:1.7;background:#fde3e0;color:var(--bad);border:1px dashed var(--bad)}
.lc li.branch.current{background:var(--bad);color:#fff;border-style:solid}
.lc li.off{opacity:.45;border-style:dotted}
@media (prefers-color-scheme:dark){.lc li.done{background:#1f3d2a;color:#a8e3bd;border-color:#2e5a3d}.lc li.branch{background:#3d1f1f}}
.timing{font-size:12px;color:var(--muted);font-variant-numeric:tabular-nums}
.pack-actions{display:flex;flex-wrap:wrap;gap:6px;margin-top:4px;align-items:center}
.pack-actions button,.rules button{min-height:26px;padding:2px 9px;font-size:12.5px}
.detail{margin-top:8px;padding:8px 10px;background:var(--bg);border-radius:8px;border:1px solid var(--line)}
.meta{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 12px;margin:0}
.meta dt{color:var(--muted)}.meta dd{margin:0;overflow-wrap:anywhere}
.errors{color:var(--bad);margin:4px 0;padding-left:18px}
.more{margin-top:8px}
.rules{list-style:none;padding:0;margin:8px 0 0}
.rules li{display:flex;flex-wrap:wrap;gap:6px 10px;align-items:center;padding:5px 0;border-top:1px solid var(--line)}
.fault-form label{flex:0 0 auto}
.scroll{overflow:auto;max-height:70vh}
.journal{font-size:12.5px}.journal td{white-space:nowrap}.journal .method{display:inline-block;min-width:3.6em;color:var(--muted);font-weight:700}
.journal td.path .link{font-weight:500;font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12px}.journal td.path{white-space:normal;overflow-wrap:anywhere}
.journal tr.err td.status{color:var(--bad);font-weight:700}
.journal tr.ok td.status{color:var(--ok);font-weight:700}
dialog{width:min(900px,94vw);max-height:88vh;border:1px solid var(--line);border-radius:10px;background:var(--panel);color:var(--ink);padding:14px}
dialog::backdrop{background:rgba(10,14,20,.45)}
.dialog-head{display:flex;justify-content:space-between;align-items:center;gap:10px}
pre{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:8px;overflow:auto;max-height:32vh;white-space:pre-wrap;overflow-wrap:anywhere;margin:0}
.empty{color:var(--muted);font-style:italic;padding:8px 0}
@media (max-width:640px){.top{position:static}.legend{grid-template-columns:repeat(2,minmax(0,1fr))}.legend .arrow{display:none}main{padding:8px}section{padding:10px}.hide-narrow{display:none}meter{width:50px}}
"""#
}
