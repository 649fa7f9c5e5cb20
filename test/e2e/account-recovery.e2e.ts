import { randomBytes } from 'node:crypto';
import { UserEntity } from '../../src/modules/accounts/user.entity';
import {
  aBareProduct,
  anOrganization,
  aMember,
  aSupportStaff,
  localId,
  PASSWORD,
  SignedUp,
} from '../fixtures/builders';
import { aJpeg, linkIn, mailsTo, step, upload, walkToPhotos, walkToSubmitted } from '../fixtures/identity';
import { errorCode, ok, startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
let support: SignedUp;
beforeAll(async () => {
  server = await startTestServer();
  server.clock.set('2026-03-02T09:00:00.000Z');
  support = await aSupportStaff(server);
});
afterAll(() => server.stop());

const unique = () => randomBytes(4).toString('hex');
const RECOVER = `mutation($input: StartAccountRecoveryInput!) { startAccountRecovery(input: $input) { message userErrors { code field } } }`;
const START = `mutation($input: StartIdentityVerificationInput!) { startIdentityVerification(input: $input) {
  verification { id reason status nextStep } verificationUrl userErrors { code field message } } }`;
const LOG_IN = `mutation($input: LogInInput!) { logIn(input: $input) { token userErrors { code } } }`;
const RESET = `mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { passwordChanged userErrors { code field } } }`;

const users = () => server.dataSource.getRepository(UserEntity);
const logIn = async (email: string, password = PASSWORD) =>
  ok(await server.gql(LOG_IN, { input: { email, password } })).logIn;
const recover = async (reason: string, email: string) =>
  ok(await server.gql(RECOVER, { input: { reason, email } })).startAccountRecovery;

/** Starts a signed-out recovery and returns the link mailed to `mailbox`. */
async function recoveryLink(reason: string, email: string, mailbox = email) {
  const before = server.mails().length;
  expect((await recover(reason, email)).userErrors).toEqual([]);
  const mails = mailsTo(server, mailbox, before);
  expect(mails).toHaveLength(1);
  return { mail: mails[0], link: linkIn(mails[0]) };
}

const approve = (verificationId: string, extra: Record<string, unknown> = {}) =>
  step(server, 'approve', { verificationId, reason: 'Checked against the document.', ...extra }, support.token);

describe('signed out: account unlock, forgotten password, forgotten login address', () => {
  it('a locked account: log-in refused, recovery mailed, approval unlocks it', async () => {
    const person = await anOrganization(server);
    await users().update({ id: localId(person.userId) }, { lockedAt: new Date() });
    expect((await logIn(person.email)).userErrors[0].code).toBe('ACCOUNT_LOCKED');
    expect(errorCode(await server.gql(`{ viewer { id } }`, {}, person.token))).toBe('UNAUTHENTICATED');

    const { mail, link } = await recoveryLink('ACCOUNT_UNLOCK', person.email.toUpperCase(), person.email);
    expect(mail.subject).toBe('Confirm your identity to unlock your account');
    await walkToPhotos(server, link, 'PASSPORT');
    expect((await upload(server, link, 'DOCUMENT_FRONT', aJpeg())).body.verification.nextStep).toBe('SELFIE');
    expect((await upload(server, link, 'SELFIE', aJpeg())).body.verification.status).toBe('SUBMITTED');

    const before = server.mails().length;
    expect((await approve(link.verificationId)).verification.status).toBe('APPROVED');
    expect((await logIn(person.email)).token).toEqual(expect.any(String));
    expect(mailsTo(server, person.email, before).map((m) => m.text)).toEqual([
      expect.stringContaining('Your account is unlocked'),
    ]);
  });

  it('never reveals whether an account exists; asking twice re-sends the same link', async () => {
    const person = await anOrganization(server);
    const before = server.mails().length;
    const unknown = await recover('FORGOTTEN_PASSWORD', `nobody-${unique()}@example.ch`);
    const known = await recover('FORGOTTEN_PASSWORD', person.email);
    expect(unknown).toEqual(known);
    expect(
      server
        .mails()
        .slice(before)
        .map((m) => m.to),
    ).toEqual([expect.stringContaining(person.email)]);
    const again = await recoveryLink('FORGOTTEN_PASSWORD', person.email);
    expect(again.link).toEqual(linkIn(server.mails()[before]));

    expect((await recover('DISABLE_TWO_FACTOR', person.email)).userErrors[0].code).toBe('INVALID_REASON');
    expect((await recover('BLOCKED_ORDER', person.email)).userErrors[0].code).toBe('INVALID_REASON');
    expect((await recover('FORGOTTEN_PASSWORD', 'not an address')).userErrors[0]).toEqual({
      code: 'INVALID_EMAIL',
      field: ['input', 'email'],
    });
  });

  it('forgotten password: approval mails a single-use reset link; resetPassword signs every session out', async () => {
    const person = await anOrganization(server);
    const { link } = await recoveryLink('FORGOTTEN_PASSWORD', person.email);
    await walkToSubmitted(server, link);
    const before = server.mails().length;
    await approve(link.verificationId);
    const [mail] = mailsTo(server, person.email, before);
    const token = /\/reset-password\?token=(\S+)/.exec(mail.text)![1];

    expect(ok(await server.gql(RESET, { input: { token, password: 'short' } })).resetPassword).toEqual({
      passwordChanged: false,
      userErrors: [{ code: 'WEAK_PASSWORD', field: ['input', 'password'] }],
    });
    expect(ok(await server.gql(RESET, { input: { token, password: 'a-brand-new-password' } })).resetPassword).toEqual({
      passwordChanged: true,
      userErrors: [],
    });
    expect(errorCode(await server.gql(`{ viewer { id } }`, {}, person.token))).toBe('UNAUTHENTICATED');
    expect((await logIn(person.email)).userErrors[0].code).toBe('INVALID_CREDENTIALS');
    expect((await logIn(person.email, 'a-brand-new-password')).token).toEqual(expect.any(String));
    const replay = ok(await server.gql(RESET, { input: { token, password: 'yet-another-password' } })).resetPassword;
    expect(replay.userErrors[0].code).toBe('INVALID_RESET_TOKEN');

    server.clock.set('2026-03-04T09:00:01.000Z');
    const { link: second } = await recoveryLink('FORGOTTEN_PASSWORD', person.email);
    server.clock.set('2026-03-02T09:00:00.000Z');
    expect(second.verificationId).not.toBe(link.verificationId);
  });

  it('forgotten login address: support names the account; the address goes to the contact mailbox', async () => {
    const person = await anOrganization(server);
    const contact = `private-${unique()}@example.net`;
    const { mail, link } = await recoveryLink('FORGOTTEN_LOGIN_EMAIL', contact);
    expect(mail.subject).toBe('Confirm your identity to recover your login address');
    await walkToSubmitted(server, link);
    const missing = await approve(link.verificationId);
    expect(missing.userErrors[0]).toMatchObject({ code: 'ACCOUNT_REQUIRED', field: ['input', 'accountId'] });
    const before = server.mails().length;
    expect((await approve(link.verificationId, { accountId: person.userId })).verification.status).toBe('APPROVED');
    expect(mailsTo(server, contact, before)[0].text).toContain(`The login address of your account is ${person.email}.`);
    expect(mailsTo(server, person.email, before)[0].text).toContain(`was sent to ${contact}`);
  });
});

describe('signed in: 2FA deactivation and the first ticketing payout', () => {
  it('2FA: refused while off; started with a link to show as QR code; approval turns it off', async () => {
    const person = await anOrganization(server);
    const off = ok(await server.gql(START, { input: { reason: 'DISABLE_TWO_FACTOR' } }, person.token));
    expect(off.startIdentityVerification.userErrors[0].code).toBe('TWO_FACTOR_NOT_ENABLED');
    expect(errorCode(await server.gql(START, { input: { reason: 'DISABLE_TWO_FACTOR' } }))).toBe('UNAUTHENTICATED');

    await users().update({ id: localId(person.userId) }, { twoFactorEnabled: true });
    const before = server.mails().length;
    const started = ok(
      await server.gql(START, { input: { reason: 'DISABLE_TWO_FACTOR' } }, person.token),
    ).startIdentityVerification;
    expect(started.verification).toMatchObject({
      reason: 'DISABLE_TWO_FACTOR',
      status: 'STARTED',
      nextStep: 'PHONE_NUMBER',
    });
    const [mail] = mailsTo(server, person.email, before);
    expect(linkIn(mail).url).toBe(started.verificationUrl);
    const link = linkIn(mail);

    // The account holder sees the verification; staff-only fields stay closed; support cannot approve its own.
    const node = `query($id: ID!) { node(id: $id) { ... on IdentityVerification { status } } }`;
    expect(ok(await server.gql(node, { id: link.verificationId }, person.token)).node).toEqual({ status: 'STARTED' });
    await walkToSubmitted(server, link);
    expect((await approve(link.verificationId)).verification.status).toBe('APPROVED');
    expect((await users().findOneByOrFail({ id: localId(person.userId) })).twoFactorEnabled).toBe(false);
  });

  it('support staff cannot decide on their own verification', async () => {
    await users().update({ id: localId(support.userId) }, { twoFactorEnabled: true });
    const started = ok(
      await server.gql(START, { input: { reason: 'DISABLE_TWO_FACTOR' } }, support.token),
    ).startIdentityVerification;
    const link = {
      url: started.verificationUrl,
      verificationId: started.verification.id,
      token: started.verificationUrl.split('token=')[1],
    };
    await walkToSubmitted(server, link);
    expect((await approve(link.verificationId)).userErrors[0].code).toBe('OWN_VERIFICATION');
  });

  it('ticketing payout: the legal representative of an organization with a ticketing product, once', async () => {
    const org = await anOrganization(server);
    const admin = await aMember(server, org, { role: 'ADMINISTRATOR', billingAccess: true });
    const input = { reason: 'TICKETING_FIRST_PAYOUT', organizationId: org.organizationId };
    const none = ok(await server.gql(START, { input }, org.token)).startIdentityVerification;
    expect(none.userErrors[0].code).toBe('NO_TICKETING_PRODUCT');
    await aBareProduct(server, org.organizationId, { type: 'TICKETING', name: 'Festival tickets' });
    expect(errorCode(await server.gql(START, { input }, admin.token))).toBe('FORBIDDEN');
    const stranger = await anOrganization(server);
    expect(errorCode(await server.gql(START, { input }, stranger.token))).toBe('FORBIDDEN');
    const missing = ok(await server.gql(START, { input: { reason: 'TICKETING_FIRST_PAYOUT' } }, org.token));
    expect(missing.startIdentityVerification.userErrors[0].field).toEqual(['input', 'organizationId']);

    const started = ok(await server.gql(START, { input }, org.token)).startIdentityVerification;
    expect(started.userErrors).toEqual([]);
    const link = {
      url: started.verificationUrl,
      verificationId: started.verification.id,
      token: started.verificationUrl.split('token=')[1],
    };
    await walkToSubmitted(server, link);
    expect((await approve(link.verificationId)).verification.status).toBe('APPROVED');
    const ctx = server.app.systemContext();
    expect(
      await server.app.services.verificationReviews.hasApprovedPayoutVerification(ctx, localId(org.organizationId)),
    ).toBe(true);
    const twice = ok(await server.gql(START, { input }, org.token)).startIdentityVerification;
    expect(twice.userErrors[0].code).toBe('ALREADY_VERIFIED');
  });
});
