/// The dashboard's HTML: the frame the script fills. No inline script or style (the CSP forbids them).
enum DashboardPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CertPackMock dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/__mock/dashboard/app.css">
<script src="/__mock/dashboard/app.js" defer></script>
</head>
<body>
<a class="skip" href="#packs">Skip to packs</a>
<header class="top">
  <h1>CertPackMock</h1>
  <p class="clock" aria-live="off"><span class="label">Virtual clock</span> <time id="clock-now">…</time> <span id="live" class="live" title="Live updates">connecting</span></p>
  <form id="clock-form" class="controls" aria-label="Clock and lifecycle">
    <label>Advance by <input id="advance-seconds" name="seconds" type="number" min="0" step="any" value="60" inputmode="decimal" size="6"> s</label>
    <button id="advance" type="submit">Advance</button>
    <label>Clock <select id="clock-mode" name="clock"><option value="system">system</option><option value="manual">manual</option></select></label>
    <label>Lifecycle <select id="lifecycle-mode" name="lifecycle"><option>timed</option><option>immediate</option><option>manual</option><option>per-read</option></select></label>
    <button id="step-all" type="button">Step all packs</button>
  </form>
  <form id="reset-form" class="controls" aria-label="Reset">
    <label>Reset <select id="reset-scope" name="scope"><option value="all">everything</option><option value="packs">packs</option><option value="journal">journal</option><option value="faults">fault rules</option><option value="clock">clock and lifecycle</option><option value="zones">zones and credentials</option><option value="rate_limits">rate limits</option></select></label>
    <button id="reset" type="submit" class="danger">Reset</button>
  </form>
</header>
<p id="notice" class="notice" role="status" aria-live="polite"></p>
<main>
  <div class="col">
    <section id="zones" aria-labelledby="zones-h">
      <h2 id="zones-h">Zones</h2>
      <div class="scroll"><table class="grid"><thead><tr><th scope="col">Zone</th><th scope="col" class="hide-narrow">Id</th><th scope="col">Plan</th><th scope="col">Quota</th></tr></thead><tbody id="zone-rows"></tbody></table></div>
      <p class="muted">Credentials: <span id="credential-names"></span></p>
    </section>
    <section id="packs" aria-labelledby="packs-h">
      <h2 id="packs-h">Certificate packs <span id="pack-count" class="muted"></span></h2>
      <div id="legend" class="legend" aria-label="Lifecycle; choose a status to filter"></div>
      <form id="pack-filter" class="controls" aria-label="Filter packs">
        <label>Zone <select id="filter-zone"><option value="">all zones</option></select></label>
        <label>Status <select id="filter-status"><option value="">any status</option></select></label>
        <label>Search <input id="filter-text" type="search" placeholder="host or id" size="14"></label>
      </form>
      <div id="pack-list"></div>
    </section>
  </div>
  <div class="col">
    <section id="faults" aria-labelledby="faults-h">
      <h2 id="faults-h">Fault rules</h2>
      <form id="fault-form" class="controls fault-form" aria-label="Add a fault rule">
        <label>Method <select id="fault-method"><option value="">any</option><option>GET</option><option>POST</option><option>PATCH</option><option>DELETE</option></select></label>
        <label>Path <input id="fault-path" value="*" size="16" spellcheck="false"></label>
        <label>Action <select id="fault-action"><option value="fail">fail</option><option value="reset">reset connection</option><option value="delay">delay</option></select></label>
        <label>Status <input id="fault-status" type="number" min="400" max="599" value="500" size="4"></label>
        <label>Code <input id="fault-code" type="number" min="0" placeholder="10001" size="6"></label>
        <label>Message <input id="fault-message" placeholder="Injected failure" size="14"></label>
        <label>Delay <input id="fault-delay" type="number" min="0" max="600000" value="0" size="6"> ms</label>
        <label>Times <input id="fault-times" type="number" min="1" placeholder="always" size="5"></label>
        <button id="fault-add" type="submit">Add rule</button>
      </form>
      <ul id="fault-list" class="rules"></ul>
    </section>
    <section id="journal" aria-labelledby="journal-h">
      <h2 id="journal-h">Requests <span id="journal-count" class="muted"></span></h2>
      <form id="journal-filter" class="controls" aria-label="Filter requests">
        <label>Method <select id="j-method"><option value="">any</option><option>GET</option><option>POST</option><option>PATCH</option><option>DELETE</option></select></label>
        <label>Path <input id="j-path" placeholder="*/certificate_packs*" size="14" spellcheck="false"></label>
        <label>Status <input id="j-status" type="number" min="0" max="999" size="4"></label>
        <label>Code <input id="j-code" type="number" min="0" size="5"></label>
        <button id="journal-clear" type="button">Clear journal</button>
      </form>
      <div class="scroll"><table class="grid journal"><thead><tr><th scope="col">#</th><th scope="col">Method and path</th><th scope="col">Status</th><th scope="col">Codes</th><th scope="col" id="protocol-h" hidden>Protocol</th><th scope="col">ms</th><th scope="col">Credential</th></tr></thead><tbody id="journal-rows"></tbody></table></div>
    </section>
  </div>
</main>
<dialog id="request-dialog" aria-labelledby="request-title">
  <div class="dialog-head"><h2 id="request-title">Request</h2><button id="request-close" type="button">Close</button></div>
  <dl id="request-meta" class="meta"></dl>
  <h3>Request body</h3><pre id="request-body"></pre>
  <h3>Response body</h3><pre id="response-body"></pre>
</dialog>
</body>
</html>
"""#
}
