/**
 * Verification images at rest (R24): the type is read from the first bytes, never from a file
 * name or a header; every file is sealed with AES-256-GCM under a key derived from SECRET_KEY, a
 * fresh random nonce per file and its place (verification and file name) as authenticated data,
 * so a file cannot be altered or moved to another verification unnoticed.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readdir, readFile, rename, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/** image/jpeg, image/png or application/pdf by magic bytes; null for anything else (an .exe named .jpg). */
export function sniffContentType(bytes: Buffer): 'image/jpeg' | 'image/png' | 'application/pdf' | null {
  const starts = (magic: number[]) => bytes.length > magic.length && magic.every((b, i) => bytes[i] === b);
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  return null;
}

/** File layout: "IDV1", 12-byte nonce, 16-byte tag, ciphertext. */
const MAGIC = Buffer.from('IDV1');
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export function seal(key: Buffer, plain: Buffer, aad: string): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([MAGIC, nonce, cipher.getAuthTag(), body]);
}

/** The plain bytes; throws when the file was altered, belongs elsewhere or another key sealed it. */
export function open(key: Buffer, sealed: Buffer, aad: string): Buffer {
  if (sealed.length < MAGIC.length + NONCE_BYTES + TAG_BYTES || !sealed.subarray(0, 4).equals(MAGIC))
    throw new Error('Not a sealed verification file');
  const nonce = sealed.subarray(4, 4 + NONCE_BYTES);
  const tag = sealed.subarray(4 + NONCE_BYTES, 4 + NONCE_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(4 + NONCE_BYTES + TAG_BYTES)), decipher.final()]);
}

/**
 * The storage folder: `<root>/<verification id>/<random name>.bin`, one folder per verification so
 * that purging it removes every file at once (R24).
 */
export class EncryptedFileStore {
  constructor(
    readonly root: string,
    private readonly key: Buffer,
  ) {}

  /** Seals and writes `plain` (atomically: written aside, then renamed); returns the file name. */
  async write(verificationId: number, plain: Buffer): Promise<string> {
    const fileName = `${randomBytes(16).toString('hex')}.bin`;
    const dir = this.folder(verificationId);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const partial = join(dir, `.${fileName}.part`);
    await writeFile(partial, seal(this.key, plain, aadOf(verificationId, fileName)), { mode: 0o600 });
    await rename(partial, join(dir, fileName));
    return fileName;
  }

  async read(verificationId: number, fileName: string): Promise<Buffer> {
    const sealed = await readFile(join(this.folder(verificationId), safeName(fileName)));
    return open(this.key, sealed, aadOf(verificationId, fileName));
  }

  /** Deletes one file; a missing one is fine. */
  async remove(verificationId: number, fileName: string): Promise<void> {
    await rm(join(this.folder(verificationId), safeName(fileName)), { force: true });
  }

  /** Deletes the verification's folder and every file in it; a missing folder is fine. */
  async removeAll(verificationId: number): Promise<void> {
    await rm(this.folder(verificationId), { recursive: true, force: true });
  }

  /** The ids of the verifications that have a folder. */
  async folders(): Promise<number[]> {
    const names = await readdir(this.root).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    return names.filter((name) => /^[1-9]\d{0,15}$/.test(name)).map(Number);
  }

  folder(verificationId: number): string {
    if (!Number.isSafeInteger(verificationId) || verificationId <= 0) throw new Error('Bad verification id');
    return join(this.root, String(verificationId));
  }
}

const aadOf = (verificationId: number, fileName: string) => `identity-verification/${verificationId}/${fileName}`;

function safeName(fileName: string): string {
  if (!/^[0-9a-f]{32}\.bin$/.test(fileName)) throw new Error('Bad file name');
  return fileName;
}
