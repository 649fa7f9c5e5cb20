import { ExportLinks } from './export-links';

describe('ExportLinks (signed download links)', () => {
  const links = new ExportLinks('a-secret-key-for-the-tests-of-links');
  const expiresAt = new Date('2026-05-02T10:00:00Z');
  const before = new Date('2026-05-02T09:59:59Z');

  it('accepts its own token for its export until the expiry', () => {
    expect(links.check(links.token(42, expiresAt), 42, before)).toEqual({ ok: true, exportId: 42 });
  });

  it('answers 410 at and after the expiry', () => {
    expect(links.check(links.token(42, expiresAt), 42, expiresAt)).toEqual({ ok: false, status: 410 });
  });

  it.each([
    ['no token', () => undefined],
    ['another export', () => links.token(43, expiresAt)],
    ['a later expiry written in', () => links.token(42, expiresAt).replace(/^42\.\d+/, `42.${2_000_000_000}`)],
    ['a changed signature', () => links.token(42, expiresAt).slice(0, -2) + 'xx'],
    ['another secret', () => new ExportLinks('another-secret-key-of-the-tests').token(42, expiresAt)],
    ['garbage', () => 'not.a.token'],
  ])('answers 403 for %s', (_label, token) => {
    expect(links.check(token(), 42, before)).toEqual({ ok: false, status: 403 });
  });
});
