/**
 * The API's OpenAPI 3.1 document, generated from what the server enforces: the routes and roles of
 * routeRoles.ts and the request schemas of routeSchemas.ts (zod to JSON Schema). Served at /openapi.json;
 * docs/http-api.md is rendered from it (npm run docs:generate), and a test fails when either drifts.
 */
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../../common/paths';
import { ROUTE_ROLES, type RouteRule } from './routeRoles';

export const HTTP_API_REFERENCE_PATH = path.join(projectRoot, 'docs', 'http-api.md');

type JsonSchema = Record<string, unknown>;

/** The API's version, as its paths carry it (/v1/…). */
const API_VERSION = 'v1';

const jsonSchema = (schema: z.ZodType): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

function parametersOf(rule: RouteRule): JsonSchema[] {
  const fields = (schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] => {
    if (!schema) return [];
    const s = jsonSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
    return Object.entries(s.properties ?? {}).map(([name, property]) => ({
      name,
      in: where,
      required: where === 'path' || (s.required ?? []).includes(name),
      schema: property,
    }));
  };
  return [...fields(rule.params, 'path'), ...fields(rule.query, 'query')];
}

/** The document, as /openapi.json serves it. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const rule of ROUTE_ROLES) {
    const openApiPath = rule.url.replace(/:(\w+)/g, '{$1}');
    const roles = rule.roles === 'anyone' ? 'anyone (no token)' : [...rule.roles, 'admin'].join(', ');
    const parameters = parametersOf(rule);
    paths[openApiPath] ??= {};
    paths[openApiPath][rule.method.toLowerCase()] = {
      summary: rule.summary,
      description: `Roles: ${roles}. Rate-limit budget: ${rule.cost}.${rule.note ? ` ${rule.note.replace(/`/g, '')}.` : ''}`,
      ...(rule.roles === 'anyone' ? { security: [] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(rule.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(rule.body) } } } } : {}),
      responses: {
        default: {
          description:
            'JSON; an error is `{ "error": "…" }` with its status (400 bad input, 401, 403, 404, 409, 413, 429 with Retry-After, 5xx naming the dependency)',
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'image-agent API',
      version: API_VERSION,
      description: 'Agentic image generation on Temporal. Every route but the probes and the sign-in takes `Authorization: Bearer <token>`.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}

/** docs/http-api.md: the document as a page (each route, who may call it, and its request schema). */
export function httpApiReference(): string {
  const doc = openApiDocument() as {
    paths: Record<
      string,
      Record<string, { summary: string; description: string; parameters?: JsonSchema[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>
    >;
  };
  const lines = [
    '# HTTP API reference',
    '',
    '<!-- Generated from client/api/routeRoles.ts and client/api/routeSchemas.ts by `npm run docs:generate`; do not edit by hand. -->',
    '',
    'The API serves this as an OpenAPI 3.1 document at `GET /openapi.json`. Every route but the probes and the sign-in takes `Authorization: Bearer <token>` (or the review page’s cookie); tokens, roles and tenants are in [security](security.md), and how the review page and the codec server are used in [review and audit](review-and-audit.md).',
    '',
  ];
  for (const [route, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      lines.push(`## ${method.toUpperCase()} ${route}`, '', `${op.summary[0]!.toUpperCase()}${op.summary.slice(1)}.`, '', op.description, '');
      for (const p of op.parameters ?? [])
        lines.push(`- \`${String(p.name)}\` (${String(p.in)}${p.required ? ', required' : ''}): \`${JSON.stringify(p.schema)}\``);
      if (op.parameters?.length) lines.push('');
      const body = op.requestBody?.content['application/json']?.schema;
      if (body) lines.push('Request body (JSON Schema):', '', '```json', JSON.stringify(body, null, 2), '```', '');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
