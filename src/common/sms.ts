/**
 * Outgoing SMS (DESIGN section 10, SMS_TRANSPORT), behind an interface like mail's: one JSON file
 * per message in a folder by default, an HTTP provider in production.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileTransportDir } from './mail';

export interface Sms {
  /** E.164 number, e.g. +41791234567. */
  to: string;
  text: string;
}

export interface SmsSender {
  send(sms: Sms): Promise<void>;
}

/** A message read back from an SMS outbox folder. */
export interface SmsOutboxMessage extends Sms {
  file: string;
  createdAt: string;
}

const PROVIDER_TIMEOUT_MS = 10_000;
/** Orders the files of one process that share a millisecond. */
let sequence = 0;

/**
 * Creates the sender for an SMS_TRANSPORT value.
 *
 * - `file:<folder>` (default `file:./data/sms`): each message is written to
 *   `<folder>/<ISO timestamp>-<sequence>-<random hex>.json` as `{"to","text","createdAt"}`; files appear
 *   atomically and their names sort by time.
 * - `https://user:key@provider.example/path` (or `http://`): each message is POSTed to that URL
 *   (without the credentials) as JSON `{"to","text"}`, with HTTP Basic authentication from the
 *   URL's user and password when given; any answer other than 2xx is an error.
 *
 * @throws Error for any other scheme
 */
export function createSmsSender(transportUrl: string): SmsSender {
  const dir = fileTransportDir(transportUrl);
  if (dir) return fileSender(dir);
  if (/^https?:\/\//.test(transportUrl)) return httpSender(new URL(transportUrl));
  // Only the scheme: a provider URL carries a key.
  throw new Error(`Unsupported SMS_TRANSPORT scheme "${transportUrl.split(':')[0]}" (use file: or https://)`);
}

function fileSender(dir: string): SmsSender {
  return {
    async send(sms) {
      const createdAt = new Date().toISOString();
      await mkdir(dir, { recursive: true });
      sequence = (sequence + 1) % 1_000_000;
      const name = `${createdAt.replace(/:/g, '-')}-${String(sequence).padStart(6, '0')}-${randomBytes(4).toString('hex')}.json`;
      const partial = join(dir, `.${name}.part`);
      await writeFile(partial, JSON.stringify({ to: sms.to, text: sms.text, createdAt }, null, 2));
      await rename(partial, join(dir, name));
    },
  };
}

function httpSender(url: URL): SmsSender {
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const endpoint = new URL(url.toString());
  endpoint.username = '';
  endpoint.password = '';
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (user || password) headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  return {
    async send(sms) {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify({ to: sms.to, text: sms.text }),
        signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
      });
      // The host only: the URL may carry a key in its path or query.
      if (!response.ok) throw new Error(`SMS provider ${endpoint.host} answered HTTP ${response.status}`);
    },
  };
}

/** Reads the messages of an SMS outbox folder back, oldest first. A missing folder reads as empty. */
export function readSmsOutbox(dir: string): SmsOutboxMessage[] {
  const folder = resolve(dir);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => name.endsWith('.json') && !name.startsWith('.'))
    .sort()
    .map((name) => {
      const file = join(folder, name);
      const { to, text, createdAt } = JSON.parse(readFileSync(file, 'utf8')) as SmsOutboxMessage;
      return { file, to, text, createdAt };
    });
}
