import { deriveKey, signToken, verifyToken } from '../../common/signed-token';

export type LinkCheck = { ok: true; exportId: number } | { ok: false; status: 403 | 410 };

/**
 * The download link of a finished export (R33): `/exports/<global id>?token=<id>.<expiry>.<mac>`,
 * an HMAC-SHA256 of the export id and the expiry (Unix seconds) under a key derived from SECRET_KEY
 * for this purpose only. Tampered or forged → 403; genuine but past its expiry → 410.
 */
export class ExportLinks {
  private readonly key: Buffer;

  constructor(secretKey: string) {
    this.key = deriveKey(secretKey, 'billing-export-download');
  }

  token(exportId: number, expiresAt: Date): string {
    return signToken(this.key, [exportId, Math.floor(expiresAt.getTime() / 1000)]);
  }

  check(token: string | undefined, exportId: number, now: Date): LinkCheck {
    const parts = token ? verifyToken(this.key, token, 2) : null;
    if (!parts || Number(parts[0]) !== exportId || !/^\d{1,12}$/.test(parts[1])) return { ok: false, status: 403 };
    if (Number(parts[1]) * 1000 <= now.getTime()) return { ok: false, status: 410 };
    return { ok: true, exportId };
  }
}
