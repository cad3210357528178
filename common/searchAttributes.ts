/**
 * The custom search attributes image-agent writes, registered by `stack:up` on the dev server.
 * Search attributes are not encrypted and are visible to anyone with UI access: no prompt text,
 * no names, no personal data. The user is stored as a pseudonymous hash (see userTag).
 * The dev server's SQLite visibility allows 10 Keyword, 3 Int, 3 Double, 3 Text per namespace.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const Stage = defineSearchAttributeKey('ImageAgentStage', SearchAttributeType.KEYWORD);
export const Round = defineSearchAttributeKey('ImageAgentRound', SearchAttributeType.INT);
export const Approval = defineSearchAttributeKey('ImageAgentApproval', SearchAttributeType.KEYWORD);
export const Tenant = defineSearchAttributeKey('ImageAgentTenant', SearchAttributeType.KEYWORD);
export const UserTag = defineSearchAttributeKey('ImageAgentUser', SearchAttributeType.KEYWORD);
export const Kind = defineSearchAttributeKey('ImageAgentKind', SearchAttributeType.KEYWORD);
export const Providers = defineSearchAttributeKey('ImageAgentProviders', SearchAttributeType.KEYWORD);
export const BatchId = defineSearchAttributeKey('ImageAgentBatch', SearchAttributeType.KEYWORD);
export const ItemsPassed = defineSearchAttributeKey('ImageAgentItemsPassed', SearchAttributeType.INT);

const ALL_SEARCH_ATTRIBUTES = [Stage, Round, Approval, Tenant, UserTag, Kind, Providers, BatchId, ItemsPassed] as const;

/** Each attribute's name and type (`KEYWORD`, `INT`), for registering them through the operator API. */
export function searchAttributeTypes(): { name: string; type: string }[] {
  return ALL_SEARCH_ATTRIBUTES.map((k) => ({ name: k.name, type: k.type }));
}

/** `--search-attribute` values in the temporal CLI's spelling. */
export function cliSearchAttributeSpecs(): string[] {
  const cliType: Record<string, string> = {
    KEYWORD: 'Keyword',
    INT: 'Int',
    DOUBLE: 'Double',
    TEXT: 'Text',
    BOOL: 'Bool',
    DATETIME: 'Datetime',
    KEYWORD_LIST: 'KeywordList',
  };
  return ALL_SEARCH_ATTRIBUTES.map((k) => `${k.name}=${cliType[k.type]}`);
}
