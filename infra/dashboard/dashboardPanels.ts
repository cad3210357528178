/**
 * The Grafana dashboard's panels as data: title, unit and the PromQL of each target, with the dashboard's
 * variables resolved the way "All" resolves them. Read from the same JSON that Grafana imports, so the
 * pictures in the docs show the queries operators actually get.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../../common/paths';

const DASHBOARD_FILE = path.join(projectRoot, 'infra', 'deploy', 'observability', 'grafana', 'dashboards', 'image-agent.json');

const dashboardSchema = z.object({
  title: z.string(),
  templating: z.object({ list: z.array(z.object({ name: z.string(), allValue: z.string().optional() })) }),
  panels: z.array(
    z.object({
      id: z.number(),
      type: z.string(),
      title: z.string(),
      fieldConfig: z.object({ defaults: z.object({ unit: z.string().optional() }) }).optional(),
      targets: z.array(z.object({ refId: z.string(), expr: z.string().min(1), legendFormat: z.string().optional() })).min(1),
    }),
  ),
});

export interface PanelTarget {
  refId: string;
  /** PromQL with the dashboard variables replaced by their "All" values. */
  expr: string;
  legendFormat: string | undefined;
}

export interface DashboardPanel {
  id: number;
  title: string;
  unit: string | undefined;
  targets: PanelTarget[];
}

export function readDashboardPanels(json: unknown): { title: string; panels: DashboardPanel[] } {
  const dashboard = dashboardSchema.parse(json);
  const allValues = new Map(dashboard.templating.list.flatMap((v) => (v.allValue === undefined ? [] : [[v.name, v.allValue] as const])));
  const resolve = (expr: string): string =>
    expr.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => {
      const value = allValues.get(name);
      if (value === undefined) throw new Error(`the dashboard query ${expr} uses $${name}, which has no "All" value`);
      return value;
    });
  return {
    title: dashboard.title,
    panels: dashboard.panels.map((p) => ({
      id: p.id,
      title: p.title,
      unit: p.fieldConfig?.defaults.unit,
      targets: p.targets.map((t) => ({ refId: t.refId, expr: resolve(t.expr), legendFormat: t.legendFormat })),
    })),
  };
}

export function loadDashboardPanels(file = DASHBOARD_FILE): { title: string; panels: DashboardPanel[] } {
  return readDashboardPanels(JSON.parse(fs.readFileSync(file, 'utf8')));
}

/** A series' name as Grafana shows it: the legend format with {{label}} filled in, else its labels. */
export function seriesName(target: PanelTarget, labels: Record<string, string>): string {
  if (target.legendFormat && target.legendFormat !== '__auto') {
    return target.legendFormat.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => labels[name] ?? '');
  }
  const pairs = Object.entries(labels).filter(([k]) => k !== '__name__');
  return pairs.length === 0 ? target.expr : pairs.map(([k, v]) => `${k}=${v}`).join(', ');
}
