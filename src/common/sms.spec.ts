import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSmsSender, readSmsOutbox } from './sms';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sms-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('file transport', () => {
  it('writes one JSON file per message, read back oldest first', async () => {
    const sender = createSmsSender(`file:${dir}/out`);
    await sender.send({ to: '+41791234567', text: 'Your code is 123456.' });
    await sender.send({ to: '+33612345678', text: 'Votre code : 654321 — merci' });
    const messages = readSmsOutbox(join(dir, 'out'));
    expect(messages.map(({ to, text }) => ({ to, text }))).toEqual([
      { to: '+41791234567', text: 'Your code is 123456.' },
      { to: '+33612345678', text: 'Votre code : 654321 — merci' },
    ]);
    expect(readdirSync(join(dir, 'out')).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(readSmsOutbox(join(dir, 'missing'))).toEqual([]);
  });
});

describe('HTTP provider transport', () => {
  let server: Server;
  let received: Array<{ url: string; authorization?: string; body: unknown }>;
  let status: number;
  beforeEach(async () => {
    received = [];
    status = 202;
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ url: req.url ?? '', authorization: req.headers.authorization, body: JSON.parse(body) });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const base = () => `127.0.0.1:${(server.address() as AddressInfo).port}`;

  it('POSTs {to, text} as JSON with Basic authentication taken out of the URL', async () => {
    await createSmsSender(`http://acme:s3cr%40t@${base()}/v1/sms?sender=Hosting`).send({
      to: '+41791234567',
      text: 'hi',
    });
    expect(received).toEqual([
      {
        url: '/v1/sms?sender=Hosting',
        authorization: `Basic ${Buffer.from('acme:s3cr@t').toString('base64')}`,
        body: { to: '+41791234567', text: 'hi' },
      },
    ]);
  });

  it('an answer other than 2xx is an error naming the host, never the key', async () => {
    status = 500;
    const sending = createSmsSender(`http://acme:topsecret@${base()}/v1/sms`).send({ to: '+41791234567', text: 'x' });
    await expect(sending).rejects.toThrow(`SMS provider ${base()} answered HTTP 500`);
    await expect(sending).rejects.not.toThrow(/topsecret/);
  });
});

it('refuses an unknown scheme without echoing the rest of the URL', () => {
  expect(() => createSmsSender('smpp://user:secret@x')).toThrow(/"smpp"/);
  expect(() => createSmsSender('smpp://user:secret@x')).not.toThrow(/secret/);
});
