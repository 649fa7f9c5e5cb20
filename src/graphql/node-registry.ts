import type { RequestContext } from '../context';
import { parseGlobalId } from './global-id';
import type { Node } from './node';

/** Resolves a local id of one type to its API object, or null when absent or out of the viewer's reach. */
export type NodeFetcher = (ctx: RequestContext, id: number) => Promise<Node | null>;

const fetchers = new Map<string, NodeFetcher>();

/** Each module registers the types `node(id)` can return, with a fetcher that applies its access rules. */
export function registerNode(type: string, fetch: NodeFetcher): void {
  fetchers.set(type, fetch);
}

export async function fetchNode(ctx: RequestContext, globalId: string): Promise<Node | null> {
  const parsed = parseGlobalId(globalId);
  const fetch = parsed && fetchers.get(parsed.type);
  return fetch ? fetch(ctx, parsed.id) : null;
}
