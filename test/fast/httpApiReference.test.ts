/**
 * The OpenAPI document is generated from what the server enforces (client/api/openApi.ts): every route of
 * the roles table, with its request schemas; docs/http-api.md is rendered from it. Needs no stack.
 */
import fs from 'node:fs';
import { HTTP_API_REFERENCE_PATH, httpApiReference, openApiDocument } from '../../client/api/openApi';
import { ROUTE_ROLES } from '../../client/api/routeRoles';
import { startBody } from '../../client/api/routeSchemas';

type Operation = {
  summary: string;
  security?: unknown[];
  requestBody?: { content: Record<string, { schema: { required?: string[]; properties?: Record<string, unknown> } }> };
};
const doc = openApiDocument() as { openapi: string; paths: Record<string, Record<string, Operation>> };

test('docs/http-api.md is what the document renders (run `npm run docs:generate` after changing a route)', () => {
  expect(fs.readFileSync(HTTP_API_REFERENCE_PATH, 'utf8')).toBe(httpApiReference());
});

test('every route the server guards is in the document, with a summary; public ones need no token', () => {
  expect(doc.openapi).toBe('3.1.0');
  for (const rule of ROUTE_ROLES) {
    const op = doc.paths[rule.url.replace(/:(\w+)/g, '{$1}')]?.[rule.method.toLowerCase()];
    expect({ route: `${rule.method} ${rule.url}`, documented: Boolean(op?.summary) }).toEqual({ route: `${rule.method} ${rule.url}`, documented: true });
    expect({ route: rule.url, public: op?.security?.length === 0 }).toEqual({ route: rule.url, public: rule.roles === 'anyone' });
  }
});

test('the start route documents the schema the server parses with', () => {
  const schema = doc.paths['/v1/generations']!.post!.requestBody!.content['application/json']!.schema;
  expect(schema.required).toEqual(expect.arrayContaining(['request', 'userId']));
  expect(Object.keys(schema.properties ?? {}).sort()).toEqual(Object.keys(startBody.shape).sort());
  expect(schema.properties).not.toHaveProperty('tenantId');
});
