import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createMailer, fileTransportDir, readAttachments, readOutbox } from './mail';

const FROM = 'Hosting <noreply@hosting.example>';
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'outbox-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const token = 'inv_' + 'a1B2c3D4e5F6g7H8'.repeat(4);
const url = `https://manager.hosting.example/invitations/accept?token=${token}&organization=org_123456789`;

describe('fileTransportDir', () => {
  it.each([
    ['file:./data/mail', resolve('data/mail')],
    ['file:data/mail', resolve('data/mail')],
    ['file:/var/spool/mail-out', '/var/spool/mail-out'],
    ['file:///var/spool/mail-out', '/var/spool/mail-out'],
    ['smtp://mail.example:25', null],
    ['smtps://u:p@mail.example', null],
  ])('%s → %s', (transport, expected) => {
    expect(fileTransportDir(transport)).toBe(expected);
  });
});

describe('createMailer', () => {
  it('refuses an unknown scheme without echoing the rest of the URL', () => {
    expect(() => createMailer('http://user:secret@x', FROM)).toThrow(/"http"/);
    expect(() => createMailer('http://user:secret@x', FROM)).not.toThrow(/secret/);
  });
});

describe('file transport and readOutbox', () => {
  it.each([
    ['a long line with a URL and a token', 'quoted-printable', `Welcome!\n\nAccept the invitation: ${url}\n\nBye.`],
    [
      'accents and a long line',
      'quoted-printable',
      `Grüezi Zoë,\n${'Votre facture est prête — CHF 12.50. '.repeat(6)}\n${url}`,
    ],
    ['mostly non-Latin text', 'base64', `${'Καλημέρα κόσμε, ευχαριστούμε. '.repeat(8)}\n${url}`],
    ['equals signs and trailing spaces', 'quoted-printable', `a=b ==c  \n=3D literally\n  indented ${url}\nend`],
    ['short ASCII', '7bit', `Token: ${token}`],
  ])('round-trips %s (%s)', async (_name, encoding, text) => {
    const subject = 'Invitation to join Zürich Hosting Sàrl – please confirm your account ✓ ' + 'x'.repeat(40);
    await createMailer(`file:${dir}/nested/outbox`, FROM).send({ to: 'anna@client.example', subject, text });

    const [message, ...others] = readOutbox(join(dir, 'nested/outbox'));
    expect(others).toEqual([]);
    expect(message).toEqual({ file: expect.stringMatching(/\.eml$/), to: 'anna@client.example', subject, text });
    expect(message.text).toContain(token);
    expect(readFileSync(message.file, 'utf8')).toContain(`Content-Transfer-Encoding: ${encoding}\r\n`);
  });

  it('reads the plain-text part of a message that also has HTML', async () => {
    const text = `Accept: ${url}`;
    await createMailer(`file:${dir}`, FROM).send({
      to: 'Anna Müller <anna@client.example>',
      subject: 'Hello',
      text,
      html: `<p>Accept: <a href="${url}">here</a></p>`,
    });
    const [message] = readOutbox(dir);
    expect(message.text).toBe(text);
    expect(message.to).toContain('anna@client.example');
    expect(message.to).toContain('Anna Müller');
  });

  it('sends an inline image next to text and HTML; readAttachments gives its exact bytes and Content-ID', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 255, 13, 10]);
    await createMailer(`file:${dir}`, FROM).send({
      to: 'anna@client.example',
      subject: 'QR',
      text: `Open ${url}`,
      html: `<p><img src="cid:qr@test" alt="QR"></p>`,
      attachments: [{ filename: 'qr.png', contentType: 'image/png', content: png, cid: 'qr@test' }],
    });
    const [message] = readOutbox(dir);
    expect(message.text).toBe(`Open ${url}`);
    expect(readAttachments(message.file)).toEqual([
      { filename: 'qr.png', contentType: 'image/png', content: png, cid: 'qr@test' },
    ]);
  });

  it('writes complete RFC 822 files named by time, and reads them oldest first', async () => {
    const mailer = createMailer(`file:${dir}`, FROM);
    await mailer.send({ to: 'first@client.example', subject: 'one', text: '1' });
    await new Promise((r) => setTimeout(r, 5));
    await mailer.send({ to: 'second@client.example', subject: 'two', text: '2' });

    const names = readdirSync(dir);
    expect(names).toHaveLength(2);
    for (const name of names) {
      expect(name).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z-[0-9a-f]{12}\.eml$/);
      const raw = readFileSync(join(dir, name), 'utf8');
      expect(raw).toMatch(/^From: Hosting <noreply@hosting\.example>\r$/m);
      expect(raw).toMatch(/^Message-ID: </im);
      expect(raw).toMatch(/^Date: /m);
      expect(raw).toContain('\r\n\r\n');
    }
    expect(readOutbox(dir).map((m) => m.subject)).toEqual(['one', 'two']);
  });

  it('reads a missing folder as empty and skips files that are not finished messages', () => {
    expect(readOutbox(join(dir, 'nope'))).toEqual([]);
    writeFileSync(join(dir, 'notes.txt'), 'x');
    writeFileSync(join(dir, '.2026-01-01T00-00-00.000Z-abc.eml.part'), 'To: x\n\ny');
    expect(readOutbox(dir)).toEqual([]);
  });
});

describe('smtp transport', () => {
  let server: Server;
  let received: string[];

  /** A minimal SMTP server: enough of RFC 5321 for one unauthenticated message. */
  beforeEach(async () => {
    received = [];
    server = createServer((socket) => {
      let data = '';
      let inData = false;
      socket.write('220 test ESMTP\r\n');
      socket.on('data', (chunk) => {
        data += chunk.toString('utf8');
        let end: number;
        while ((end = data.indexOf(inData ? '\r\n.\r\n' : '\r\n')) >= 0) {
          const line = data.slice(0, end);
          data = data.slice(end + (inData ? 5 : 2));
          if (inData) {
            received.push(line);
            inData = false;
            socket.write('250 queued\r\n');
          } else if (/^DATA/i.test(line)) {
            inData = true;
            socket.write('354 go on\r\n');
          } else if (/^QUIT/i.test(line)) {
            socket.end('221 bye\r\n');
          } else {
            socket.write(/^EHLO/i.test(line) ? '250-test\r\n250 8BITMIME\r\n' : '250 ok\r\n');
          }
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterEach(() => new Promise<void>((r) => server.close(() => r())));

  it('sends through an smtp:// URL', async () => {
    const { port } = server.address() as { port: number };
    await createMailer(`smtp://127.0.0.1:${port}`, FROM).send({ to: 'anna@client.example', subject: 'Hi', text: url });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatch(/^To: anna@client\.example\r$/m);
    expect(received[0]).toMatch(/^Subject: Hi\r$/m);
  });

  it('rejects when the server cannot be reached', async () => {
    const { port } = server.address() as { port: number };
    await new Promise<void>((r) => server.close(() => r()));
    server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const closed = createMailer(`smtp://127.0.0.1:${port}`, FROM);
    await expect(closed.send({ to: 'a@b.example', subject: 's', text: 't' })).rejects.toThrow();
  });
});
