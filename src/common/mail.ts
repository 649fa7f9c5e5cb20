/**
 * Outgoing mail (DESIGN section 10, MAIL_TRANSPORT): one `.eml` file per message in a folder
 * by default, SMTP in production.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTransport } from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Files sent with the message; one with a `cid` is shown inline where the HTML says `<img src="cid:…">`. */
  attachments?: MailAttachment[];
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
  cid?: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/** A message read back from an outbox folder. */
export interface OutboxMessage {
  /** Absolute path of the `.eml` file. */
  file: string;
  to: string;
  subject: string;
  /** The text/plain body, decoded, with `\n` line ends. */
  text: string;
}

/**
 * The folder a `file:` transport writes to, resolved against the working directory:
 * `file:./data/mail`, `file:data/mail`, `file:/var/mail` and `file:///var/mail` all work.
 * Returns null for any other transport.
 */
export function fileTransportDir(transportUrl: string): string | null {
  if (!transportUrl.startsWith('file:')) return null;
  if (transportUrl.startsWith('file://')) return fileURLToPath(transportUrl);
  return resolve(transportUrl.slice('file:'.length));
}

/**
 * Creates the mailer for a MAIL_TRANSPORT value.
 *
 * - `file:<folder>`: each message is composed by nodemailer into a complete RFC 822 message
 *   and written to `<folder>/<ISO timestamp>-<random hex>.eml` (the timestamp's colons become
 *   dashes so the name is valid on every file system, and names sort by time). The folder is
 *   created on first use; files appear atomically (written aside, then renamed).
 * - `smtp://…` / `smtps://…`: nodemailer's SMTP transport with that URL.
 *
 * @param from the From header, e.g. `Hosting <noreply@example.ch>`
 * @throws Error for any other scheme
 */
export function createMailer(transportUrl: string, from: string): Mailer {
  const dir = fileTransportDir(transportUrl);
  if (dir) return fileMailer(dir, from);
  if (/^smtps?:\/\//.test(transportUrl)) {
    const transport = createTransport(transportUrl);
    return { send: async (mail) => void (await transport.sendMail({ from, ...mail })) };
  }
  // Only the scheme: an SMTP URL may carry a password.
  throw new Error(`Unsupported MAIL_TRANSPORT scheme "${transportUrl.split(':')[0]}" (use file: or smtp://)`);
}

function fileMailer(dir: string, from: string): Mailer {
  const composer = createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    async send(mail) {
      const info = await composer.sendMail({ from, ...mail });
      await mkdir(dir, { recursive: true });
      const name = `${new Date().toISOString().replace(/:/g, '-')}-${randomBytes(6).toString('hex')}.eml`;
      const partial = join(dir, `.${name}.part`);
      await writeFile(partial, info.message as Buffer);
      await rename(partial, join(dir, name));
    },
  };
}

/**
 * Reads the `.eml` files of an outbox folder back, oldest first (by file name). Decodes what
 * this module writes: unfolded headers with RFC 2047 encoded words, single-part or multipart
 * bodies, quoted-printable (soft line breaks included), base64 or 7/8-bit, UTF-8 text.
 * nodemailer ends every text with a line break, so a trailing line break of the sent text
 * does not survive. A missing folder reads as empty.
 */
export function readOutbox(dir: string): OutboxMessage[] {
  const folder = resolve(dir);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => name.endsWith('.eml') && !name.startsWith('.'))
    .sort()
    .map((name) => {
      const file = join(folder, name);
      const { headers, body } = splitEntity(readFileSync(file, 'utf8').replace(/\r\n/g, '\n'));
      return {
        file,
        to: decodeHeader(headers.get('to') ?? ''),
        subject: decodeHeader(headers.get('subject') ?? ''),
        // The message's final line break is nodemailer's, not the text's.
        text: textBody(headers, body.replace(/\n$/, '')),
      };
    });
}

/**
 * The non-text parts (attachments and inline images) of a message this module wrote, decoded:
 * what `readOutbox` leaves out. `cid` is the Content-ID without its angle brackets.
 */
export function readAttachments(file: string): MailAttachment[] {
  const { headers, body } = splitEntity(readFileSync(file, 'utf8').replace(/\r\n/g, '\n'));
  const found: MailAttachment[] = [];
  const walk = (headers: Map<string, string>, body: string) => {
    const type = headers.get('content-type') ?? 'text/plain';
    if (/^multipart\//i.test(type)) {
      const boundary = headerParam(type, 'boundary');
      if (!boundary) return;
      for (const part of body.split(`--${boundary}`).slice(1, -1)) {
        const entity = splitEntity(part.replace(/^[ \t]*\n/, '').replace(/\n$/, ''));
        walk(entity.headers, entity.body);
      }
      return;
    }
    if (/^text\/(plain|html)/i.test(type) && !/attachment/i.test(headers.get('content-disposition') ?? '')) return;
    const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
    found.push({
      filename: headerParam(headers.get('content-disposition') ?? '', 'filename') ?? headerParam(type, 'name') ?? '',
      contentType: type.split(';')[0].trim().toLowerCase(),
      content: encoding === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64') : Buffer.from(body),
      cid: headers.get('content-id')?.replace(/^<|>$/g, ''),
    });
  };
  walk(headers, body);
  return found;
}

/** Splits a MIME entity into lower-cased, unfolded headers and its body. */
function splitEntity(entity: string): { headers: Map<string, string>; body: string } {
  const end = entity.indexOf('\n\n');
  const head = end < 0 ? entity : entity.slice(0, end);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\n[ \t]/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: end < 0 ? '' : entity.slice(end + 2) };
}

function headerParam(value: string, param: string): string | undefined {
  return new RegExp(`;\\s*${param}="?([^";]+)"?`, 'i').exec(value)?.[1];
}

/** The text/plain content of an entity, searching multipart entities depth first. */
function textBody(headers: Map<string, string>, body: string): string {
  const type = headers.get('content-type') ?? 'text/plain';
  if (/^multipart\//i.test(type)) {
    const boundary = headerParam(type, 'boundary');
    if (!boundary) return '';
    // Parts sit between delimiter lines; the line break before a delimiter belongs to it.
    const parts = body
      .split(`--${boundary}`)
      .slice(1, -1)
      .map((p) => p.replace(/^[ \t]*\n/, '').replace(/\n$/, ''));
    for (const part of parts) {
      const entity = splitEntity(part);
      const text = textBody(entity.headers, entity.body);
      if (text !== '') return text;
    }
    return '';
  }
  if (!/^text\/plain/i.test(type)) return '';
  return decodeTransfer(body, headers.get('content-transfer-encoding') ?? '7bit').replace(/\r\n/g, '\n');
}

function decodeTransfer(body: string, encoding: string): string {
  switch (encoding.toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable':
      return quotedPrintableBytes(body).toString('utf8');
    default:
      return body;
  }
}

/** RFC 2045 quoted-printable to bytes: `=XX` is a byte, `=` at a line end is a soft break. */
function quotedPrintableBytes(encoded: string): Buffer {
  const pieces = encoded.replace(/=\n/g, '').split(/(=[0-9A-Fa-f]{2})/);
  return Buffer.concat(
    pieces.map((piece) =>
      /^=[0-9A-Fa-f]{2}$/.test(piece) ? Buffer.from([parseInt(piece.slice(1), 16)]) : Buffer.from(piece),
    ),
  );
}

const ENCODED_WORD = /=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g;

/**
 * Decodes RFC 2047 encoded words. Adjacent words are joined before UTF-8 decoding, because
 * a folded header may split one character's bytes across two words.
 */
function decodeHeader(value: string): string {
  const run = new RegExp(`${ENCODED_WORD.source}(?:\\s+${ENCODED_WORD.source})*`, 'g');
  return value.replace(run, (words) => {
    const bytes = [...words.matchAll(ENCODED_WORD)].map(([, , encoding, data]) =>
      encoding.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : quotedPrintableBytes(data.replace(/_/g, ' ')),
    );
    return Buffer.concat(bytes).toString('utf8');
  });
}
