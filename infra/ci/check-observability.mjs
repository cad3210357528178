#!/usr/bin/env node
// Keeps the alert rules, the Grafana dashboard and the runbook consistent with the code: every
// image_agent_* metric they query is defined in telemetry/appMetrics.ts, every alert has a RUNBOOK.md
// section, and both files parse. (temporal_* metrics come from the SDK and are not checked here.)
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

const root = path.resolve(import.meta.dirname, '../..');
const read = (p) => fs.readFileSync(path.join(root, p), 'utf8');
const defined = new Set([...read('telemetry/appMetrics.ts').matchAll(/name: '(image_agent_[a-z_]+)'/g)].map((m) => m[1]));
const problems = [];
const base = (name) => name.replace(/_(bucket|sum|count)$/, '');
function checkExpr(where, expr) {
  for (const [name] of expr.matchAll(/image_agent_[a-z_]+/g))
    if (!defined.has(base(name)) && !defined.has(name)) problems.push(`${where}: ${name} is not defined in telemetry/appMetrics.ts`);
}

const rules = YAML.parse(read('infra/deploy/observability/alerts.yaml'));
const runbook = read('infra/deploy/RUNBOOK.md').toLowerCase();
let alerts = 0;
for (const group of rules.groups) {
  for (const rule of group.rules) {
    alerts += 1;
    checkExpr(`alert ${rule.alert}`, rule.expr);
    if (!runbook.includes(`## ${rule.alert.toLowerCase()}`)) problems.push(`alert ${rule.alert} has no "## ${rule.alert}" section in RUNBOOK.md`);
  }
}
const dashboard = JSON.parse(read('infra/deploy/observability/grafana/dashboards/image-agent.json'));
for (const panel of dashboard.panels) for (const t of panel.targets) checkExpr(`panel "${panel.title}"`, t.expr);

if (problems.length) {
  for (const p of problems) console.error(`observability: ${p}`);
  process.exit(1);
}
console.log(`observability: ${alerts} alerts with runbook sections, ${dashboard.panels.length} dashboard panels, all image_agent_* metrics defined`);
