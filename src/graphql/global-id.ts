import { BusinessError, CommonErrorCode } from './base-errors';

/** Opaque global ids: base64url of "Type:localId". Clients must treat them as opaque. */
export function toGlobalId(type: string, id: number): string {
  return Buffer.from(`${type}:${id}`).toString('base64url');
}

export function parseGlobalId(globalId: string): { type: string; id: number } | null {
  if (typeof globalId !== 'string' || globalId.length > 200) return null;
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const match = /^([A-Za-z]+):([1-9]\d{0,15})$/.exec(decoded);
  if (!match || Buffer.from(decoded).toString('base64url') !== globalId) return null;
  const id = Number(match[2]);
  return Number.isSafeInteger(id) ? { type: match[1], id } : null;
}

/**
 * Decodes an id argument that must name a `type`; anything else is a clear INVALID_ID error
 * pointing at the input field (a userError in a mutation payload).
 */
export function decodeId(globalId: string, type: string, field: string[]): number {
  const parsed = parseGlobalId(globalId);
  if (!parsed || parsed.type !== type)
    throw new BusinessError(CommonErrorCode.INVALID_ID, `"${globalId}" is not a valid ${type} id.`, field);
  return parsed.id;
}

export function decodeIds(globalIds: readonly string[], type: string, field: string[]): number[] {
  return [...new Set(globalIds.map((id, i) => decodeId(id, type, [...field, String(i)])))];
}
