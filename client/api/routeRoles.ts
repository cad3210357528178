/**
 * Which roles may call each route of the API, and what each costs against the rate limits: one table, enforced
 * by the server (a route missing from it cannot be registered, see apiServer.ts) and printed in
 * docs/review-and-audit.md (routeRolesMarkdown; a test checks the page holds exactly this text).
 */
import type { CostClass } from '../../common/apiCostClass';
import type { Role } from '../../common/principals';

export interface RouteRule {
  method: 'GET' | 'POST' | 'OPTIONS';
  url: string;
  /** The caller needs one of these roles (admin counts as every role); 'anyone': no token needed. */
  roles: readonly Role[] | 'anyone';
  /** The rate-limit budget it draws from; 'free' for probes and CORS preflights. */
  cost: CostClass | 'free';
  /** What the roles do not say. */
  note?: string;
  /** Cookie-authenticated POSTs without X-Requested-With are allowed (the Temporal UI calls the codec cross-origin). */
  cookieWrites?: true;
  /** An unauthenticated caller gets the sign-in page instead of a JSON 401. */
  signInPage?: true;
}

const READERS: readonly Role[] = ['submit', 'delegate', 'review', 'audit'];
const SUBMITTERS: readonly Role[] = ['submit', 'delegate'];

export const ROUTE_ROLES: readonly RouteRule[] = [
  { method: 'GET', url: '/healthz', roles: 'anyone', cost: 'free' },
  { method: 'GET', url: '/readyz', roles: 'anyone', cost: 'free' },
  { method: 'GET', url: '/openapi.json', roles: 'anyone', cost: 'ordinary' },
  {
    method: 'POST',
    url: '/v1/generations',
    roles: SUBMITTERS,
    cost: 'start',
    note: '`userId` must be the principal’s own name unless it holds delegate (or admin)',
  },
  { method: 'POST', url: '/v1/uploads', roles: SUBMITTERS, cost: 'upload' },
  { method: 'GET', url: '/v1/generations', roles: READERS, cost: 'ordinary' },
  { method: 'GET', url: '/v1/generations/:id', roles: READERS, cost: 'ordinary' },
  { method: 'GET', url: '/v1/generations/:id/report', roles: READERS, cost: 'ordinary' },
  { method: 'POST', url: '/v1/generations/:id/review', roles: ['review'], cost: 'ordinary' },
  { method: 'POST', url: '/v1/generations/:id/plan-review', roles: ['review'], cost: 'ordinary' },
  {
    method: 'POST',
    url: '/v1/generations/:id/cancel',
    roles: ['submit', 'delegate', 'review'],
    cost: 'ordinary',
    note: 'submit: only runs whose user is the principal; delegate: any user’s runs',
  },
  { method: 'GET', url: '/v1/reviews/pending', roles: ['review'], cost: 'ordinary' },
  { method: 'GET', url: '/review', roles: ['review', 'audit'], cost: 'ordinary', signInPage: true, note: 'decisions from it still need review' },
  { method: 'GET', url: '/review/login', roles: 'anyone', cost: 'ordinary' },
  { method: 'POST', url: '/review/login', roles: 'anyone', cost: 'ordinary', note: 'refused with 403 from another site (`Origin`, `Sec-Fetch-Site`)' },
  { method: 'POST', url: '/codec/encode', roles: ['audit'], cost: 'codec', cookieWrites: true },
  { method: 'POST', url: '/codec/decode', roles: ['audit'], cost: 'codec', cookieWrites: true },
  { method: 'OPTIONS', url: '/codec/encode', roles: 'anyone', cost: 'free' },
  { method: 'OPTIONS', url: '/codec/decode', roles: 'anyone', cost: 'free' },
];

/** The rule of a route pattern (HEAD follows GET), or undefined. */
export function routeRule(method: string, url: string): RouteRule | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  return ROUTE_ROLES.find((r) => r.method === m && r.url === url);
}

/** The table as the README prints it. */
export function routeRolesMarkdown(): string {
  const rows = ROUTE_ROLES.map((r) => {
    const roles = r.roles === 'anyone' ? 'anyone' : [...r.roles, 'admin'].join(', ');
    return `| \`${r.method} ${r.url}\` | ${roles} | ${r.cost} | ${r.note ?? ''} |`;
  });
  return ['| route | roles (one of) | rate-limit class | note |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
