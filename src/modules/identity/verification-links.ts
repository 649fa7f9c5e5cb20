import { randomBytes } from 'node:crypto';
import type { Config } from '../../config';
import { deriveKey, signToken, verifyToken } from '../../common/signed-token';
import { toGlobalId } from '../../graphql/global-id';
import type { IdentityVerificationEntity } from './identity-verification.entity';

export interface LinkClaims {
  verificationId: number;
  /** Unix seconds. */
  expires: number;
  nonce: string;
}

type Linked = Pick<IdentityVerificationEntity, 'id' | 'expiresAt' | 'tokenNonce'>;

/** A verification's expiry in whole seconds, as both dialects store it and the token carries it. */
export const wholeSeconds = (date: Date) => new Date(Math.floor(date.getTime() / 1000) * 1000);

export const newNonce = () => randomBytes(12).toString('base64url');

/**
 * The link of a verification (R23): `<publicUrl>/verify/<id>?token=<token>`. The token names the
 * verification, its expiry and its nonce, signed with a key derived from SECRET_KEY for this one
 * purpose; it is the only credential of the public steps.
 */
export class VerificationLinks {
  private readonly key: Buffer;

  constructor(private readonly config: Pick<Config, 'publicUrl' | 'secretKey'>) {
    this.key = deriveKey(config.secretKey, 'identity-verification-link');
  }

  tokenOf(verification: Linked): string {
    const expires = Math.floor(verification.expiresAt.getTime() / 1000);
    return signToken(this.key, [verification.id, expires, verification.tokenNonce]);
  }

  urlOf(verification: Linked): string {
    const id = toGlobalId('IdentityVerification', verification.id);
    return `${this.config.publicUrl}/verify/${id}?token=${this.tokenOf(verification)}`;
  }

  /** The claims of a token this server signed for a verification link, or null. */
  read(token: string): LinkClaims | null {
    const parts = verifyToken(this.key, token, 3);
    if (!parts) return null;
    return { verificationId: Number(parts[0]), expires: Number(parts[1]), nonce: parts[2] };
  }
}
