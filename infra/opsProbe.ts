/**
 * The container HEALTHCHECK: `node dist/infra/opsProbe.js /healthz` asks this container's ops endpoint
 * (IMAGE_AGENT_OPS_PORT) and exits 0 on a 2xx answer, 1 otherwise. No curl or wget in the image.
 */
const path = process.argv[2] ?? '/healthz';
const port = process.env.IMAGE_AGENT_OPS_PORT ?? '9464';

fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2500) })
  .then((res) => process.exit(res.ok ? 0 : 1))
  .catch(() => process.exit(1));
