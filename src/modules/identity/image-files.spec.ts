import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveKey } from '../../common/signed-token';
import { EncryptedFileStore, open, seal, sniffContentType } from './image-files';

const key = deriveKey('secret', 'identity-verification-images');
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(64)]);

describe('sniffContentType', () => {
  it.each([
    ['a JPEG', JPEG, 'image/jpeg'],
    ['a PNG', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), 'image/png'],
    ['a PDF', Buffer.from('%PDF-1.7\n%âãÏÓ\n'), 'application/pdf'],
    ['a Windows executable', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62)]), null],
    ['a GIF', Buffer.from('GIF89a........'), null],
    ['an SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), null],
    ['only the JPEG magic', Buffer.from([0xff, 0xd8, 0xff]), null],
    ['nothing', Buffer.alloc(0), null],
  ])('%s → %s', (_label, bytes, type) => expect(sniffContentType(bytes)).toBe(type));
});

describe('seal / open (AES-256-GCM)', () => {
  const sealed = seal(key, JPEG, 'identity-verification/1/a.bin');

  it('round-trips, and the sealed bytes do not contain the plain ones', () => {
    expect(open(key, sealed, 'identity-verification/1/a.bin')).toEqual(JPEG);
    expect(sealed.includes(JPEG.subarray(4, 36))).toBe(false);
  });

  it('a fresh nonce per file: the same bytes seal differently', () => {
    expect(seal(key, JPEG, 'x').equals(seal(key, JPEG, 'x'))).toBe(false);
  });

  it.each([
    ['another place (AAD)', () => open(key, sealed, 'identity-verification/2/a.bin')],
    [
      'another key',
      () => open(deriveKey('other', 'identity-verification-images'), sealed, 'identity-verification/1/a.bin'),
    ],
    [
      'a flipped ciphertext bit',
      () => {
        const altered = Buffer.from(sealed);
        altered[altered.length - 1] ^= 1;
        return open(key, altered, 'identity-verification/1/a.bin');
      },
    ],
    ['a truncated file', () => open(key, sealed.subarray(0, 20), 'identity-verification/1/a.bin')],
  ])('refuses %s', (_label, attempt) => expect(attempt).toThrow());
});

describe('EncryptedFileStore', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'idv-files-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes sealed files per verification folder, reads them back, removes a folder whole', async () => {
    const store = new EncryptedFileStore(join(root, 'identity'), key);
    const a = await store.write(7, JPEG);
    const b = await store.write(7, Buffer.from('%PDF-1.4 scan'));
    await store.write(8, JPEG);
    expect(readdirSync(join(root, 'identity', '7')).sort()).toEqual([a, b].sort());
    expect(readFileSync(join(root, 'identity', '7', a)).equals(JPEG)).toBe(false);
    expect(await store.read(7, a)).toEqual(JPEG);
    expect((await store.folders()).sort()).toEqual([7, 8]);

    // A file moved to another verification's folder does not open there.
    writeFileSync(join(root, 'identity', '8', a), readFileSync(join(root, 'identity', '7', a)));
    await expect(store.read(8, a)).rejects.toThrow();

    await store.removeAll(7);
    expect(existsSync(join(root, 'identity', '7'))).toBe(false);
    await store.removeAll(7);
    expect(await store.folders()).toEqual([8]);
  });

  it('refuses file names that could leave the folder', async () => {
    const store = new EncryptedFileStore(root, key);
    await expect(store.read(1, '../../etc/passwd')).rejects.toThrow('Bad file name');
    expect(() => store.folder(0)).toThrow();
    expect(await new EncryptedFileStore(join(root, 'missing'), key).folders()).toEqual([]);
  });
});
