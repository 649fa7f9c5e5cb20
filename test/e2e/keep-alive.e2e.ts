import { connect, Socket } from 'node:net';
import { ConfigError, loadConfig } from '../../src/config';
import { startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

/** Sends one keep-alive GET on `socket` and resolves with the status line of the answer. */
function get(socket: Socket, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    const onData = (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const headerEnd = received.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(received)?.[1];
      if (headerEnd >= 0 && length && received.length >= headerEnd + 4 + Number(length)) {
        cleanup();
        resolve(received.split('\r\n')[0]);
      }
    };
    const onClose = () => {
      cleanup();
      reject(new Error(`the server closed the connection (got ${JSON.stringify(received.slice(0, 40))})`));
    };
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onClose);
    };
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', onClose);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n`);
  });
}

describe('HTTP keep-alive above a load balancer idle timeout (issue 9)', () => {
  it('uses 65 s keep-alive and 66 s headers timeouts by default', () => {
    expect(server.app.httpServer.keepAliveTimeout).toBe(65_000);
    expect(server.app.httpServer.headersTimeout).toBe(66_000);
  });

  it('keeps an idle connection open past Node’s 5 s default, so the next request on it is answered', async () => {
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    try {
      await new Promise((resolve) => socket.once('connect', resolve));
      expect(await get(socket, '/healthz')).toBe('HTTP/1.1 200 OK');
      await new Promise((resolve) => setTimeout(resolve, 6000));
      expect(socket.destroyed).toBe(false);
      expect(await get(socket, '/healthz')).toBe('HTTP/1.1 200 OK');
    } finally {
      socket.destroy();
    }
  });

  it('takes both from the environment and refuses a headers timeout not above the keep-alive', () => {
    const env = { DATABASE_URL: 'sqlite::memory:', SECRET_KEY: 'x' };
    expect(
      loadConfig({ ...env, HTTP_KEEP_ALIVE_TIMEOUT_MS: '120000', HTTP_HEADERS_TIMEOUT_MS: '121000' }).http,
    ).toEqual({ keepAliveTimeoutMs: 120_000, headersTimeoutMs: 121_000 });
    expect(() => loadConfig({ ...env, HTTP_KEEP_ALIVE_TIMEOUT_MS: '70000' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...env, HTTP_KEEP_ALIVE_TIMEOUT_MS: '70000' })).toThrow(
      'HTTP_HEADERS_TIMEOUT_MS (66000) must be greater than HTTP_KEEP_ALIVE_TIMEOUT_MS (70000)',
    );
    expect(() => loadConfig({ ...env, HTTP_KEEP_ALIVE_TIMEOUT_MS: 'soon' })).toThrow(
      'HTTP_KEEP_ALIVE_TIMEOUT_MS must be a whole number of at least 1, got "soon"',
    );
  });
});
