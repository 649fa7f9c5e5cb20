import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAttachments } from '../../src/common/mail';
import { deriveKey } from '../../src/common/signed-token';
import { runJobs } from '../../src/jobs/runner';
import { IdentityVerificationEntity } from '../../src/modules/identity/identity-verification.entity';
import { EncryptedFileStore } from '../../src/modules/identity/image-files';
import { VerificationEventEntity } from '../../src/modules/identity/verification-event.entity';
import { VerificationImageEntity } from '../../src/modules/identity/verification-image.entity';
import { qrCodePng } from '../../src/modules/identity/verification-mail';
import { PaymentEntity } from '../../src/modules/payments/payment.entity';
import { anOrganization, aPaymentMethod, aPlacedOrder, aSupportStaff, localId, SignedUp } from '../fixtures/builders';
import {
  aJpeg,
  cli,
  Link,
  linkIn,
  mailsTo,
  step,
  STEPS,
  upload,
  V_FIELDS,
  walkToPhotos,
  walkToSubmitted,
} from '../fixtures/identity';
import { errorCode, ok, startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
let support: SignedUp;
const START = '2026-03-02T09:00:00.000Z';
beforeAll(async () => {
  server = await startTestServer();
  support = await aSupportStaff(server);
});
beforeEach(() => server.clock.set(START));
afterAll(() => server.stop());

const unique = () => randomBytes(4).toString('hex');
const ORDER = `query($id: ID!) { node(id: $id) { ... on Order { id status paidAt
  lines { product { id status } } invoice { status }
  identityVerification { ${V_FIELDS} } } } }`;
const LIST = `query($status: VerificationStatus) { identityVerifications(status: $status, first: 100) {
  totalCount edges { node { id status reason email phoneNumber geolocation { latitude longitude }
  images { id kind contentType byteSize url } order { id status lines { name } } user { email } } } } }`;
const VERIFICATION = `query($id: ID!) { node(id: $id) { ... on IdentityVerification { ${V_FIELDS} } } }`;

const storage = () => join(server.dataDir, 'identity');
const rowOf = (link: Link) =>
  server.dataSource.getRepository(IdentityVerificationEntity).findOneByOrFail({ id: localId(link.verificationId) });
const imagesOf = (link: Link) =>
  server.dataSource.getRepository(VerificationImageEntity).findBy({ verificationId: localId(link.verificationId) });
const eventsOf = async (link: Link) =>
  (
    await server.dataSource
      .getRepository(VerificationEventEntity)
      .find({ where: { verificationId: localId(link.verificationId) }, order: { id: 'ASC' } })
  ).map((e) => e.action);
const filesOf = (link: Link) => {
  const folder = join(storage(), String(localId(link.verificationId)));
  return existsSync(folder) ? readdirSync(folder) : null;
};
const byToken = async (link: Link) =>
  ok(await server.gql(STEPS.byToken, { token: link.token })).identityVerificationByToken;

/** A newcomer's order with a protected brand name: BLOCKED, its unblocking mail read back. */
async function aBlockedOrder(org?: SignedUp) {
  const customer = org ?? (await anOrganization(server));
  const before = server.mails().length;
  const order = await aPlacedOrder(server, customer, [{ productType: 'DOMAIN', name: `postfinance-${unique()}.ch` }]);
  expect(order.status).toBe('BLOCKED');
  const [mail] = mailsTo(server, customer.email, before);
  return { customer, order, mail, link: linkIn(mail) };
}

describe('done when: a blocked order released by an approved verification (R21, R23)', () => {
  it('placeOrder → mail with link and QR code → every step → support approves → the product is active', async () => {
    const { customer, order, mail, link } = await aBlockedOrder();
    const visa = await aPaymentMethod(server, customer);
    const paid = ok(
      await server.gql(
        `mutation($input: PayOrderInput!) { payOrder(input: $input) { order { status paidAt } userErrors { code } } }`,
        { input: { orderId: order.id, payment: { paymentMethodId: visa, idempotencyKey: unique() } } },
        customer.token,
      ),
    ).payOrder;
    expect(paid).toEqual({ order: { status: 'BLOCKED', paidAt: START }, userErrors: [] });

    // R21: the mail carries the link and its QR code as an inline PNG (the same code the qrcode library draws).
    expect(mail.subject).toBe(`Your order #${localId(order.id)} is on hold: please confirm your identity`);
    expect(mail.text).toContain('2026-03-12');
    const [qr] = readAttachments(mail.file);
    expect(qr).toMatchObject({ contentType: 'image/png', cid: expect.stringContaining('verification-qr') });
    expect(qr.content.equals(await qrCodePng(link.url))).toBe(true);
    expect(readFileSync(mail.file, 'utf8')).toContain(`cid:${qr.cid}`);

    const orderView = ok(await server.gql(ORDER, { id: order.id }, customer.token)).node;
    expect(orderView.identityVerification).toMatchObject({
      id: link.verificationId,
      reason: 'BLOCKED_ORDER',
      status: 'STARTED',
      nextStep: 'PHONE_NUMBER',
      expiresAt: '2026-03-12T09:00:00.000Z',
      codeAttemptsLeft: 5,
      purgeAt: null,
    });
    expect(await byToken(link)).toMatchObject({ id: link.verificationId, nextStep: 'PHONE_NUMBER' });

    // The steps, in R23's order.
    const phoneNumber = '+41 79 555 12 34';
    const afterPhone = await step(server, 'phone', { token: link.token, phoneNumber });
    expect(afterPhone.verification).toMatchObject({
      status: 'STARTED',
      nextStep: 'SMS_CODE',
      phoneNumberHint: '+41 ••••••• 34',
    });
    const [sms] = server.sms().filter((m) => m.to === '+41795551234');
    expect(sms.text).toMatch(/code is \d{6}\b/);
    const code = /\d{6}/.exec(sms.text)![0];
    expect((await step(server, 'code', { token: link.token, code })).verification).toMatchObject({
      status: 'PHONE_CONFIRMED',
      nextStep: 'GEOLOCATION_CONSENT',
    });
    const geo = await step(server, 'geo', { token: link.token, consent: true, latitude: 46.2044, longitude: 6.1432 });
    expect(geo.verification.nextStep).toBe('DOCUMENT_TYPE');
    const doc = await step(server, 'document', { token: link.token, documentType: 'IDENTITY_CARD' });
    expect(doc.verification).toMatchObject({ nextStep: 'DOCUMENT_PHOTOS', documentType: 'IDENTITY_CARD' });
    const front = aJpeg(5000);
    const back = aJpeg(4000);
    const selfie = aJpeg(7000);
    const first = await upload(server, link, 'DOCUMENT_FRONT', front);
    expect(first).toMatchObject({
      status: 201,
      body: {
        verification: { status: 'PHONE_CONFIRMED', nextStep: 'DOCUMENT_PHOTOS' },
        image: { kind: 'DOCUMENT_FRONT', contentType: 'image/jpeg', byteSize: 5000 },
      },
    });
    expect((await upload(server, link, 'DOCUMENT_BACK', back)).body.verification.nextStep).toBe('SELFIE');
    server.clock.set('2026-03-02T10:00:00.000Z');
    expect((await upload(server, link, 'SELFIE', selfie)).body.verification).toMatchObject({
      status: 'SUBMITTED',
      nextStep: 'REVIEW',
    });
    expect(await byToken(link)).toMatchObject({
      status: 'SUBMITTED',
      submittedAt: '2026-03-02T10:00:00.000Z',
      purgeAt: '2026-03-05T10:00:00.000Z',
    });

    // At rest: the stored bytes are not the uploaded ones, and decrypt to them.
    const images = await imagesOf(link);
    expect(filesOf(link)!.sort()).toEqual(images.map((i) => i.fileName).sort());
    const store = new EncryptedFileStore(storage(), deriveKey('test-secret-key', 'identity-verification-images'));
    const uploaded = { DOCUMENT_FRONT: front, DOCUMENT_BACK: back, SELFIE: selfie };
    for (const image of images) {
      const onDisk = readFileSync(join(storage(), String(image.verificationId), image.fileName));
      expect(onDisk.includes(uploaded[image.kind].subarray(0, 64))).toBe(false);
      expect((await store.read(image.verificationId, image.fileName)).equals(uploaded[image.kind])).toBe(true);
    }

    // Support sees it waiting, with the personal data; the image route decrypts on the fly and audits.
    const waiting = ok(await server.gql(LIST, { status: 'SUBMITTED' }, support.token)).identityVerifications;
    const listed = waiting.edges.map((e: any) => e.node).find((n: any) => n.id === link.verificationId);
    expect(listed).toMatchObject({
      reason: 'BLOCKED_ORDER',
      email: customer.email,
      phoneNumber: '+41795551234',
      geolocation: { latitude: 46.2044, longitude: 6.1432 },
      order: { id: order.id, status: 'BLOCKED' },
      user: { email: customer.email },
    });
    expect(listed.images.map((i: any) => i.kind)).toEqual(['DOCUMENT_FRONT', 'DOCUMENT_BACK', 'SELFIE']);
    const selfieUrl = listed.images[2].url;
    expect(selfieUrl).toMatch(new RegExp(`/verifications/${link.verificationId}/images/`));
    const view = await fetch(selfieUrl.replace(/^https?:\/\/[^/]+/, server.url), {
      headers: { authorization: `Bearer ${support.token}` },
    });
    expect(view.status).toBe(200);
    expect(view.headers.get('content-type')).toBe('image/jpeg');
    expect(view.headers.get('cache-control')).toBe('private, no-store');
    expect(Buffer.from(await view.arrayBuffer()).equals(selfie)).toBe(true);
    expect(await eventsOf(link)).toEqual([
      'identity_verification.started',
      'identity_verification.submitted',
      'identity_verification.image_viewed',
    ]);

    // Approval releases the order: it was paid, so the product is active now.
    const before = server.mails().length;
    const approved = await step(
      server,
      'approve',
      { verificationId: link.verificationId, reason: 'Document matches the account holder.' },
      support.token,
    );
    expect(approved).toMatchObject({
      userErrors: [],
      verification: { status: 'APPROVED', nextStep: 'CLOSED', closedReason: 'Document matches the account holder.' },
    });
    const released = ok(await server.gql(ORDER, { id: order.id }, customer.token)).node;
    expect(released).toMatchObject({ status: 'PAID', invoice: { status: 'PAID' } });
    expect(released.lines.map((l: any) => l.product.status)).toEqual(['ACTIVE']);
    expect(released.identityVerification).toMatchObject({ status: 'APPROVED', purgedAt: expect.any(String) });
    const [decision] = mailsTo(server, customer.email, before);
    expect(decision.subject).toBe('Your identity is confirmed');
    expect(decision.text).toContain(`Order #${localId(order.id)} is released.`);
    expect(decision.text).toContain('its products are active now');

    // The case is closed: its data is gone (rows and files), the decision audited for the organization too.
    expect(await imagesOf(link)).toEqual([]);
    expect(filesOf(link)).toBeNull();
    expect(await rowOf(link)).toMatchObject({ phoneNumber: null, geolocation: null, codeHash: null });
    expect(await eventsOf(link)).toContain('identity_verification.approved');
    const audit = ok(
      await server.gql(
        `query($id: ID!) { organization(id: $id) { auditEvents(first: 50) { edges { node { action } } } } }`,
        { id: customer.organizationId },
        customer.token,
      ),
    ).organization.auditEvents.edges.map((e: any) => e.node.action);
    expect(audit).toEqual(
      expect.arrayContaining(['identity_verification.image_viewed', 'identity_verification.approved']),
    );
    expect(
      (
        await fetch(selfieUrl.replace(/^https?:\/\/[^/]+/, server.url), {
          headers: { authorization: `Bearer ${support.token}` },
        })
      ).status,
    ).toBe(404);

    // A second decision is refused.
    const again = await step(server, 'reject', { verificationId: link.verificationId, reason: 'twice' }, support.token);
    expect(again.userErrors[0].code).toBe('NOT_SUBMITTED');
  });

  it('an unpaid blocked order becomes payable once approved; a rejection mails the reason and keeps it blocked', async () => {
    const { customer, order, link } = await aBlockedOrder();
    await walkToSubmitted(server, link);
    const before = server.mails().length;
    const rejected = await step(
      server,
      'reject',
      { verificationId: link.verificationId, reason: 'The selfie does not show the document.' },
      support.token,
    );
    expect(rejected.verification).toMatchObject({
      status: 'REJECTED',
      closedReason: 'The selfie does not show the document.',
    });
    expect(filesOf(link)).toBeNull();
    const [mail] = mailsTo(server, customer.email, before);
    expect(mail.subject).toBe('We could not confirm your identity');
    expect(mail.text).toContain('The selfie does not show the document.');
    expect(ok(await server.gql(ORDER, { id: order.id }, customer.token)).node.status).toBe('BLOCKED');

    // The procedure sent again starts a new verification, with a new link.
    ok(
      await server.gql(
        `mutation($input: ResendUnblockProcedureInput!) { resendUnblockProcedure(input: $input) { userErrors { code } } }`,
        { input: { orderId: order.id } },
        customer.token,
      ),
    );
    const fresh = linkIn(mailsTo(server, customer.email, before).at(-1)!);
    expect(fresh.verificationId).not.toBe(link.verificationId);
    await walkToSubmitted(server, fresh);
    await step(server, 'approve', { verificationId: fresh.verificationId, reason: 'OK' }, support.token);
    const released = ok(await server.gql(ORDER, { id: order.id }, customer.token)).node;
    expect(released).toMatchObject({ status: 'PENDING_PAYMENT', lines: [{ product: null }] });
    expect(released.identityVerification).toMatchObject({ id: fresh.verificationId, status: 'APPROVED' });
  });
});

describe('each refused step changes nothing', () => {
  it('steps out of order, and a step done twice', async () => {
    const { link } = await aBlockedOrder();
    const early = await step(server, 'code', { token: link.token, code: '123456' });
    expect(early.userErrors[0]).toMatchObject({
      code: 'STEP_OUT_OF_ORDER',
      message: expect.stringContaining('PHONE_NUMBER'),
    });
    expect((await upload(server, link, 'DOCUMENT_FRONT', aJpeg())).body.errors[0].extensions.code).toBe(
      'STEP_OUT_OF_ORDER',
    );
    expect((await step(server, 'document', { token: link.token, documentType: 'PASSPORT' })).userErrors[0].code).toBe(
      'STEP_OUT_OF_ORDER',
    );
    expect(await byToken(link)).toMatchObject({ nextStep: 'PHONE_NUMBER', codeAttemptsLeft: 5, documentType: null });

    await walkToPhotos(server, link, 'PASSPORT');
    const selfieFirst = await upload(server, link, 'SELFIE', aJpeg());
    expect(selfieFirst).toMatchObject({
      status: 409,
      body: { errors: [{ extensions: { code: 'STEP_OUT_OF_ORDER' } }] },
    });
    const back = await upload(server, link, 'DOCUMENT_BACK', aJpeg());
    expect(back.body.errors[0].extensions.code).toBe('STEP_OUT_OF_ORDER');
    const twice = await step(server, 'document', { token: link.token, documentType: 'IDENTITY_CARD' });
    expect(twice.userErrors[0].code).toBe('STEP_OUT_OF_ORDER');
    expect(await byToken(link)).toMatchObject({ nextStep: 'DOCUMENT_PHOTOS', documentType: 'PASSPORT' });
    expect(await imagesOf(link)).toEqual([]);
  });

  it('a replayed link: once submitted it can change nothing', async () => {
    const { link } = await aBlockedOrder();
    await walkToSubmitted(server, link);
    const replay = await step(server, 'phone', { token: link.token, phoneNumber: '+41791112233' });
    expect(replay.userErrors[0].code).toBe('TOKEN_ALREADY_USED');
    const reupload = await upload(server, link, 'SELFIE', aJpeg());
    expect(reupload).toMatchObject({ status: 409, body: { errors: [{ extensions: { code: 'TOKEN_ALREADY_USED' } }] } });
    expect(server.sms().filter((m) => m.to === '+41791112233')).toEqual([]);
    expect((await imagesOf(link)).length).toBe(3);
    expect(await byToken(link)).toMatchObject({ status: 'SUBMITTED' });
  });

  it('an expired, altered or foreign link', async () => {
    const { link } = await aBlockedOrder();
    const other = (await aBlockedOrder()).link;
    const altered = link.token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await step(server, 'phone', { token: altered, phoneNumber: '+41791112233' })).userErrors[0].code).toBe(
      'INVALID_TOKEN',
    );
    expect((await upload(server, { ...other, token: link.token }, 'DOCUMENT_FRONT', aJpeg())).status).toBe(401);
    expect(errorCode(await server.gql(STEPS.byToken, { token: 'nonsense' }))).toBe('BAD_USER_INPUT');

    server.clock.set('2026-03-12T09:00:00.000Z');
    const late = await step(server, 'phone', { token: link.token, phoneNumber: '+41791112233' });
    expect(late.userErrors[0]).toMatchObject({ code: 'TOKEN_EXPIRED', field: ['input', 'token'] });
    expect((await server.gql(STEPS.byToken, { token: link.token })).errors?.[0].extensions?.reason).toBe(
      'TOKEN_EXPIRED',
    );
    server.clock.set(START);
    expect(await byToken(link)).toMatchObject({ nextStep: 'PHONE_NUMBER', phoneNumberHint: null });
  });

  it('a wrong code five times ends the verification; the right code then does nothing', async () => {
    const { link } = await aBlockedOrder();
    const phoneNumber = '+41790001122';
    await step(server, 'phone', { token: link.token, phoneNumber });
    const code = /\d{6}/.exec(server.sms().filter((m) => m.to === phoneNumber)[0].text)![0];
    const wrong = code === '000000' ? '111111' : '000000';
    for (const left of [4, 3, 2, 1]) {
      const attempt = await step(server, 'code', { token: link.token, code: wrong });
      expect(attempt.userErrors[0]).toMatchObject({
        code: 'WRONG_CODE',
        message: expect.stringContaining(`${left} tr`),
      });
      expect(await byToken(link)).toMatchObject({ nextStep: 'SMS_CODE', codeAttemptsLeft: left });
    }
    const fifth = await step(server, 'code', { token: link.token, code: wrong });
    expect(fifth.userErrors[0].code).toBe('TOO_MANY_ATTEMPTS');
    const right = await step(server, 'code', { token: link.token, code });
    expect(right.userErrors[0].code).toBe('VERIFICATION_CLOSED');
    expect(await byToken(link)).toMatchObject({
      status: 'EXPIRED',
      nextStep: 'CLOSED',
      closedReason: 'Too many wrong codes.',
    });
    expect(await rowOf(link)).toMatchObject({ phoneNumber: null, codeHash: null, purgedAt: expect.any(Date) });
  });

  it('refused geolocation stops the flow with a clear error; consenting later continues', async () => {
    const { link } = await aBlockedOrder();
    await step(server, 'phone', { token: link.token, phoneNumber: '+41790002233' });
    await step(server, 'code', {
      token: link.token,
      code: /\d{6}/.exec(server.sms().filter((m) => m.to === '+41790002233')[0].text)![0],
    });
    const refused = await step(server, 'geo', { token: link.token, consent: false });
    expect(refused).toMatchObject({
      verification: null,
      userErrors: [{ code: 'GEOLOCATION_CONSENT_REQUIRED', field: ['input', 'consent'] }],
    });
    const half = await step(server, 'geo', { token: link.token, consent: true, latitude: 46.2 });
    expect(half.userErrors[0].code).toBe('INVALID_GEOLOCATION');
    expect(await byToken(link)).toMatchObject({ nextStep: 'GEOLOCATION_CONSENT' });
    expect((await rowOf(link)).geolocationConsentAt).toBeNull();
    expect((await step(server, 'geo', { token: link.token, consent: true })).verification.nextStep).toBe(
      'DOCUMENT_TYPE',
    );
  });

  it('bad phone numbers, a .exe renamed .jpg, an oversize image, an unknown kind', async () => {
    const { link } = await aBlockedOrder();
    const bad = await step(server, 'phone', { token: link.token, phoneNumber: '079 123 45 67' });
    expect(bad.userErrors[0]).toMatchObject({ code: 'INVALID_PHONE_NUMBER', field: ['input', 'phoneNumber'] });
    expect(await byToken(link)).toMatchObject({ nextStep: 'PHONE_NUMBER' });

    await walkToPhotos(server, link);
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(1000, 0x90)]);
    const renamed = await fetch(`${server.url}/verifications/${link.verificationId}/images?kind=DOCUMENT_FRONT`, {
      method: 'POST',
      headers: {
        'content-type': 'image/jpeg',
        'content-disposition': 'attachment; filename="id.jpg"',
        'x-verification-token': link.token,
      },
      body: exe,
    });
    expect(renamed.status).toBe(415);
    expect(((await renamed.json()) as any).errors[0].extensions.code).toBe('INVALID_IMAGE_TYPE');

    const max = server.app.services.verificationSteps.maxImageBytes;
    const oversize = await upload(server, link, 'DOCUMENT_FRONT', aJpeg(max + 1));
    expect(oversize).toMatchObject({ status: 413, body: { errors: [{ extensions: { code: 'IMAGE_TOO_LARGE' } }] } });
    expect((await upload(server, link, 'PASSPORT_PAGE', aJpeg())).body.errors[0].extensions.code).toBe(
      'INVALID_IMAGE_KIND',
    );

    expect(await imagesOf(link)).toEqual([]);
    expect(filesOf(link) ?? []).toEqual([]);
    expect(await byToken(link)).toMatchObject({ nextStep: 'DOCUMENT_PHOTOS' });
    // The limit itself is accepted; a second front replaces the first, file included.
    expect((await upload(server, link, 'DOCUMENT_FRONT', aJpeg(max))).status).toBe(201);
    const [first] = await imagesOf(link);
    expect((await upload(server, link, 'DOCUMENT_FRONT', aJpeg(3000))).status).toBe(201);
    const [second, ...none] = await imagesOf(link);
    expect(none).toEqual([]);
    expect(second).toMatchObject({ kind: 'DOCUMENT_FRONT', byteSize: 3000 });
    expect(filesOf(link)).toEqual([second.fileName]);
    expect(second.fileName).not.toBe(first.fileName);
  });
});

describe('who may see and act on a verification', () => {
  it('a stranger and a customer of another organization cannot; a colleague sees the progress, not the personal data', async () => {
    const { customer, order, link } = await aBlockedOrder();
    await walkToSubmitted(server, link);
    const other = await anOrganization(server);

    // Another organization: no order, no verification, no list, no decision, no image.
    expect(ok(await server.gql(ORDER, { id: order.id }, other.token)).node).toBeNull();
    expect(ok(await server.gql(VERIFICATION, { id: link.verificationId }, other.token)).node).toBeNull();
    expect(errorCode(await server.gql(LIST, {}, other.token))).toBe('FORBIDDEN');
    expect(
      errorCode(
        await server.gql(STEPS.approve, { input: { verificationId: link.verificationId, reason: 'x' } }, other.token),
      ),
    ).toBe('FORBIDDEN');
    expect(
      errorCode(
        await server.gql(STEPS.reject, { input: { verificationId: link.verificationId, reason: 'x' } }, customer.token),
      ),
    ).toBe('FORBIDDEN');
    const [image] = await imagesOf(link);
    const imageUrl = `${server.url}/verifications/${link.verificationId}/images/${Buffer.from(`IdentityVerificationImage:${image.id}`).toString('base64url')}`;
    expect((await fetch(imageUrl, { headers: { authorization: `Bearer ${other.token}` } })).status).toBe(403);
    expect((await fetch(imageUrl, { headers: { authorization: `Bearer ${customer.token}` } })).status).toBe(403);

    // A stranger without any token.
    expect((await fetch(imageUrl)).status).toBe(401);
    expect(errorCode(await server.gql(LIST, {}))).toBe('UNAUTHENTICATED');
    expect(errorCode(await server.gql(VERIFICATION, { id: link.verificationId }))).toBe('UNAUTHENTICATED');
    expect((await step(server, 'phone', { token: '', phoneNumber: '+41791112233' })).userErrors[0].code).toBe(
      'INVALID_TOKEN',
    );

    // The customer sees the progress of its order's verification, not the personal fields.
    const own = ok(await server.gql(VERIFICATION, { id: link.verificationId }, customer.token)).node;
    expect(own).toMatchObject({ status: 'SUBMITTED', nextStep: 'REVIEW' });
    const personal = await server.gql(
      `query($id: ID!) { node(id: $id) { ... on IdentityVerification { status phoneNumber } } }`,
      { id: link.verificationId },
      customer.token,
    );
    expect(errorCode(personal)).toBe('FORBIDDEN');
    expect(personal.data?.node).toEqual({ status: 'SUBMITTED', phoneNumber: null });
    const viaLink = await server.gql(
      `query($token: String!) { identityVerificationByToken(token: $token) { images { id } } }`,
      {
        token: link.token,
      },
    );
    expect(errorCode(viaLink)).toBe('UNAUTHENTICATED');
    expect(await eventsOf(link)).not.toContain('identity_verification.image_viewed');
  });
});

describe('R24: the purge 72 hours after submission, and R22 still at day 10', () => {
  it('jobs:run --now at purgeAt deletes the rows and the files; the order still cancels and refunds at day 10', async () => {
    const { customer, order, link } = await aBlockedOrder();
    const visa = await aPaymentMethod(server, customer);
    ok(
      await server.gql(
        `mutation($input: PayOrderInput!) { payOrder(input: $input) { userErrors { code } } }`,
        { input: { orderId: order.id, payment: { paymentMethodId: visa, idempotencyKey: unique() } } },
        customer.token,
      ),
    );
    await walkToSubmitted(server, link);
    const submitted = await rowOf(link);
    expect(submitted.purgeAt!.toISOString()).toBe('2026-03-05T09:00:00.000Z');
    expect(filesOf(link)).toHaveLength(3);

    const early = await runJobs(server.app.systemContext(), new Date('2026-03-05T08:59:59.000Z'), server.app.jobs);
    expect(early.every((r) => !r.error)).toBe(true);
    expect(filesOf(link)).toHaveLength(3);
    expect(await imagesOf(link)).toHaveLength(3);

    const due = await cli(server, ['jobs:run', '--now', '2026-03-05T09:00:00Z']);
    expect(due).toMatchObject({ code: 0, stderr: '' });
    expect(due.stdout).toMatch(/^purge-identity-verifications: [1-9]\d* changed$/m);
    expect(filesOf(link)).toBeNull();
    expect(existsSync(join(storage(), String(localId(link.verificationId))))).toBe(false);
    expect(await imagesOf(link)).toEqual([]);
    expect(await rowOf(link)).toMatchObject({
      status: 'EXPIRED',
      phoneNumber: null,
      geolocation: null,
      purgedAt: new Date('2026-03-05T09:00:00.000Z'),
      closedReason: 'Not handled within 72 hours of submission.',
    });
    expect(await eventsOf(link)).toContain('identity_verification.purged');
    const again = await cli(server, ['jobs:run', '--now', '2026-03-05T09:00:00Z']);
    expect(again.stdout).toMatch(/^purge-identity-verifications: 0 changed$/m);
    const late = await step(
      server,
      'approve',
      { verificationId: link.verificationId, reason: 'too late' },
      support.token,
    );
    expect(late.userErrors[0].code).toBe('NOT_SUBMITTED');

    // Not approved: the order is still cancelled and refunded in full at day 10 (R22).
    expect(ok(await server.gql(ORDER, { id: order.id }, customer.token)).node.status).toBe('BLOCKED');
    const cancel = await runJobs(server.app.systemContext(), new Date('2026-03-12T09:00:00.000Z'), server.app.jobs);
    expect(cancel.find((r) => r.name === 'cancel-blocked-orders')?.changed).toBeGreaterThanOrEqual(1);
    const cancelled = ok(await server.gql(ORDER, { id: order.id }, customer.token)).node;
    expect(cancelled).toMatchObject({ status: 'CANCELLED', invoice: { status: 'REFUNDED' } });
    const [charge] = await server.dataSource
      .getRepository(PaymentEntity)
      .findBy({ organizationId: localId(customer.organizationId), category: 'CHARGE' as never });
    expect(charge).toMatchObject({ status: 'REFUNDED', refundedAmount: charge.amount });
  }, 600_000);

  it('approving the verification of an order cancelled meanwhile is refused and changes nothing', async () => {
    const { order, link } = await aBlockedOrder();
    await walkToSubmitted(server, link);
    await server.app.services.orders.cancelBlocked(server.app.systemContext(), localId(order.id));
    const refused = await step(server, 'approve', { verificationId: link.verificationId, reason: 'ok' }, support.token);
    expect(refused.userErrors[0]).toMatchObject({ code: 'ORDER_NOT_BLOCKED', field: ['input', 'verificationId'] });
    expect(await rowOf(link)).toMatchObject({ status: 'SUBMITTED', purgedAt: null });
    expect(filesOf(link)).toHaveLength(3);
  });

  it('a blocked order cancelled at day 10 closes its unfinished verification and deletes what was uploaded', async () => {
    const { link } = await aBlockedOrder();
    await walkToPhotos(server, link);
    expect((await upload(server, link, 'DOCUMENT_FRONT', aJpeg())).status).toBe(201);
    expect(filesOf(link)).toHaveLength(1);
    const ctx = server.app.systemContext();
    const runs = await runJobs(ctx, new Date('2026-03-12T09:00:00.000Z'), server.app.jobs);
    expect(runs.find((r) => r.name === 'purge-identity-verifications')?.changed).toBeGreaterThanOrEqual(1);
    expect(filesOf(link)).toBeNull();
    expect(await rowOf(link)).toMatchObject({
      status: 'EXPIRED',
      closedReason: 'Not completed before the link expired.',
    });
  });
});
