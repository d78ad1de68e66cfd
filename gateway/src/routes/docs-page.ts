// The API reference page: fetches /openapi.json and renders operations, parameters, bodies and
// responses with a few lines of inline script. Self-contained on purpose (works offline).
export const DOCS_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>fleeex API reference</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1f; }
  h1 { margin-bottom: 0; } .lead { color: #555; }
  section.op { border: 1px solid #ddd; border-radius: 8px; padding: 1rem 1.25rem; margin: 1.5rem 0; }
  .method { font-weight: 700; text-transform: uppercase; padding: 0.1rem 0.5rem; border-radius: 4px; background: #e8eefc; color: #1d4ed8; }
  .method.post { background: #e7f6ec; color: #15803d; }
  code, pre { font-family: ui-monospace, monospace; font-size: 13px; }
  pre { background: #f6f6f8; padding: 0.75rem; border-radius: 6px; overflow-x: auto; max-height: 28rem; }
  table { border-collapse: collapse; } td { padding: 0.15rem 0.75rem 0.15rem 0; vertical-align: top; }
</style>
</head>
<body>
<h1>fleeex API reference</h1>
<p class="lead">Generated from <a href="/openapi.json">/openapi.json</a>.</p>
<div id="root">Loading…</div>
<script>
(async () => {
  const root = document.getElementById('root');
  const spec = await (await fetch('/openapi.json')).json();
  const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]);
  const resolve = (schema) => {
    if (schema && schema.$ref) return spec.components.schemas[schema.$ref.split('/').pop()];
    return schema;
  };
  const inline = (schema, depth) => {
    schema = resolve(schema);
    if (!schema || depth > 6) return schema;
    const out = Array.isArray(schema) ? [] : {};
    for (const [key, value] of Object.entries(schema)) out[key] = typeof value === 'object' && value !== null ? inline(value, depth + 1) : value;
    return out;
  };
  let html = '<p>' + esc(spec.info.description) + '</p>';
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      html += '<section class="op"><h2><span class="method ' + method + '">' + method + '</span> <code>' + esc(path) + '</code></h2>';
      html += '<p><strong>' + esc(op.summary) + '</strong></p><p>' + esc(op.description) + '</p>';
      if (op.security) html += '<p>Auth: <code>Authorization: Bearer fx_sk_…</code></p>';
      if (op.parameters && op.parameters.length) {
        html += '<h3>Parameters</h3><table>' + op.parameters.map((p) => '<tr><td><code>' + esc(p.name) + '</code></td><td>' + esc(p.in) + '</td><td>' + esc(p.schema && p.schema.type) + '</td></tr>').join('') + '</table>';
      }
      const body = op.requestBody && op.requestBody.content['application/json'];
      if (body) html += '<h3>Request body</h3><pre>' + esc(JSON.stringify(inline(body.schema, 0), null, 2)) + '</pre>';
      html += '<h3>Responses</h3><table>';
      for (const [status, response] of Object.entries(op.responses)) html += '<tr><td><code>' + esc(status) + '</code></td><td>' + esc(response.description) + '</td></tr>';
      html += '</table></section>';
    }
  }
  root.innerHTML = html;
})().catch((error) => { document.getElementById('root').textContent = 'Could not load the spec: ' + error; });
</script>
</body>
</html>
`;
