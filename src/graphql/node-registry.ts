import type { GraphQLContext } from './context';
import { parseGlobalId } from './global-id';
import type { Node } from './node';

/** Resolves a local id of one type to its API object, or null when absent or out of the viewer's reach. */
export type NodeFetcher = (ctx: GraphQLContext, id: number) => Promise<Node | null>;

const fetchers = new Map<string, NodeFetcher>();

/**
 * Each module registers the types `node(id)` can return: `find` applies the module's access rules
 * (null when absent or out of the viewer's reach), `toNode` maps the row to its API type.
 */
export function registerNode<E>(
  type: string,
  find: (ctx: GraphQLContext, id: number) => Promise<E | null | undefined>,
  toNode: (row: E, ctx: GraphQLContext) => Node,
): void {
  fetchers.set(type, async (ctx, id) => {
    const row = await find(ctx, id);
    return row ? toNode(row, ctx) : null;
  });
}

export async function fetchNode(ctx: GraphQLContext, globalId: string): Promise<Node | null> {
  const parsed = parseGlobalId(globalId);
  const fetch = parsed && fetchers.get(parsed.type);
  return fetch ? fetch(ctx, parsed.id) : null;
}
