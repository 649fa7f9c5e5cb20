import { UsageError } from './cli-context';
import { helpText, parseInstant, runCli } from './commands';

describe('parseInstant (jobs:run --now)', () => {
  it.each([
    ['2026-03-01', '2026-03-01T00:00:00.000Z'],
    ['2026-03-01T02:00', '2026-03-01T02:00:00.000Z'],
    ['2026-03-01T02:00:30', '2026-03-01T02:00:30.000Z'],
    ['2026-03-01T02:00:30Z', '2026-03-01T02:00:30.000Z'],
    ['2026-03-01T02:00:30.250Z', '2026-03-01T02:00:30.250Z'],
    ['2026-03-01T02:00:00+01:00', '2026-03-01T01:00:00.000Z'],
    ['2026-03-01T00:30:00-02:30', '2026-03-01T03:00:00.000Z'],
    ['2028-02-29T12:00:00Z', '2028-02-29T12:00:00.000Z'],
    [' 2026-03-01 ', '2026-03-01T00:00:00.000Z'],
  ])('reads %j as %s (no offset means UTC)', (text, iso) => {
    expect(parseInstant(text).toISOString()).toBe(iso);
  });

  it.each([
    '',
    'now',
    'yesterday',
    '1767225600',
    '2026-3-1',
    '2026-02-30',
    '2027-02-29',
    '2026-13-01',
    '2026-03-01T24:00:00Z',
    '2026-03-01T10:60Z',
    '2026-03-01T10:00:00 UTC',
    '01.03.2026',
  ])('refuses %j', (text) => {
    expect(() => parseInstant(text)).toThrow(UsageError);
  });
});

describe('runCli without a database', () => {
  const run = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('help lists every command and exits 0; no command prints it and exits 1', async () => {
    expect(await run(['help'])).toEqual({ code: 0, out: helpText(), err: '' });
    for (const name of ['migrate', 'staff:create', 'token:create', 'jobs:run', 'seed:demo'])
      expect(helpText()).toContain(name);
    expect((await run([])).code).toBe(1);
  });

  it.each([
    [['jobs:run', '--now'], /Option '--now <value>' needs a value/],
    [['jobs:run', '--since', '2026-01-01'], /Unknown option --since for jobs:run/],
    [['staff:create', '--role', 'ADMIN'], /--email is required/],
    [['staff:create', '--email', 'a@example.ch', '--role', 'ADMIN', '--name', ' '], /--name must not be empty/],
    [['token:create', '--email', 'a@example.ch', '--name', 'x'.repeat(101)], /--name must be at most 100 characters/],
  ])('refuses %j with a clear message and the usage', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(message);
    expect(result.err).toMatch(/^usage: npm run cli -- /m);
  });
});
