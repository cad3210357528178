/** Where a caller may point a webhook: a run's (`webhookUrl`) or a tenant's budget warnings (`budgets.alertWebhookUrl`). */
import { InvalidRequestError } from '../common/requestSchema';
import { blockedRangeOf, isAllowedHost, isIpLiteral } from '../providers/search/addressPolicy';

/**
 * A webhook to a literal non-public address (loopback, private, link-local, the metadata service) is refused
 * at the edge, before a run starts; names are checked again after DNS, at every delivery (safeFetch).
 */
export function checkWebhookTarget(webhookUrl: string, allowHosts: readonly string[], field = 'webhookUrl'): void {
  const url = new URL(webhookUrl);
  const host = url.hostname.toLowerCase();
  if (isAllowedHost(url, allowHosts)) return;
  const blocked = isIpLiteral(host) ? blockedRangeOf(host) : host === 'localhost' || host.endsWith('.localhost') ? 'loopback' : undefined;
  if (blocked)
    throw new InvalidRequestError(
      `invalid request: ${field}: ${url.origin} is a ${blocked.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()} address, which webhooks may not reach (WEBHOOK_ALLOW_HOSTS exempts internal receivers)`,
    );
}
