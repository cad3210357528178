/** The search backends, one line each (see searchBackend.ts): a new backend is its own file plus a line here. */
export { braveBackend } from './braveSearch';
export { localBackend } from './localSearch';
export { searxngBackend } from './searxngSearch';
export { tavilyBackend } from './tavilySearch';
