import { decodeId, parseGlobalId, toGlobalId } from './global-id';

describe('global ids', () => {
  it('round-trips', () => {
    expect(parseGlobalId(toGlobalId('Organization', 42))).toEqual({ type: 'Organization', id: 42 });
  });

  it.each([
    ['empty', ''],
    ['not base64 of Type:id', 'hello'],
    ['a zero id', Buffer.from('Organization:0').toString('base64url')],
    ['a negative id', Buffer.from('Organization:-3').toString('base64url')],
    ['a non-numeric id', Buffer.from('Organization:abc').toString('base64url')],
    ['padding or another encoding of the same text', `${toGlobalId('Organization', 42)}=`],
    ['an unsafe integer', Buffer.from('Organization:99999999999999999').toString('base64url')],
    ['overlong', 'A'.repeat(300)],
  ])('refuses %s', (_label, value) => {
    expect(parseGlobalId(value)).toBeNull();
  });

  it('decodeId names the field and the expected type', () => {
    expect(() => decodeId(toGlobalId('Team', 1), 'Organization', ['input', 'organizationId'])).toThrow(
      expect.objectContaining({ code: 'INVALID_ID', field: ['input', 'organizationId'] }),
    );
  });
});
