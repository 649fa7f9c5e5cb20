/**
 * The benchmark's baseline (issue 11): the practical ceiling for the pages of bench/queries.ts. A
 * minimal server with plain `graphql` (no Apollo, no type-graphql, no ORM, no shield) and
 * hand-written SQL over the same drivers (better-sqlite3, mysql2), answering the same JSON. It
 * knows only these pages and only the full-access case (the benchmark's viewers are the legal
 * representatives of each organization, and of a partner reaching every client with FULL_ACCOUNT):
 * it checks the token and the membership, nothing else.
 * Parsed and validated documents are cached, as Apollo caches them.
 */
import http from 'node:http';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { buildSchema, DocumentNode, execute, GraphQLError, parse, validate } from 'graphql';
import { createPool, Pool } from 'mysql2/promise';

type Row = Record<string, any>;

interface Db {
  all(sql: string, params: unknown[]): Promise<Row[]>;
  quote(name: string): string;
  close(): Promise<void>;
}

function sqliteDb(file: string): Db {
  const db = new Database(file, { readonly: true });
  const statements = new Map<string, Database.Statement>();
  return {
    all(sql, params) {
      let statement = statements.get(sql);
      if (!statement) statements.set(sql, (statement = db.prepare(sql)));
      return Promise.resolve(statement.all(...params) as Row[]);
    },
    quote: (name) => `"${name}"`,
    close: () => Promise.resolve(void db.close()),
  };
}

function mysqlDb(url: string): Db {
  const pool: Pool = createPool({
    uri: url.replace(/^mariadb:/, 'mysql:'),
    connectionLimit: 20,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  return {
    async all(sql, params) {
      const [rows] = await pool.query(sql, params);
      return rows as Row[];
    },
    quote: (name) => `\`${name}\``,
    close: () => pool.end(),
  };
}

const SDL = `
  enum InvoiceStatus { PRO_FORMA OPEN PAID OVERDUE VOID REFUNDED }
  input InvoiceFilter { status: InvoiceStatus }
  type Money { amount: String! currency: String! }
  type Product { id: ID! name: String! status: String! expiresAt: String! price: Money! }
  type ProductEdge { node: Product! }
  type ProductConnection { edges: [ProductEdge!]! }
  type InvoiceLine { description: String! quantity: Int! netAmount: Money! product: Product }
  type Invoice { id: ID! number: String! status: String! dueAt: String! issuedAt: String! total: Money! lines: [InvoiceLine!]! }
  type InvoiceEdge { node: Invoice! }
  type InvoiceConnection { totalCount: Int! edges: [InvoiceEdge!]! }
  type Organization { id: ID! name: String! currency: String!
    products(first: Int): ProductConnection!
    invoices(first: Int, filter: InvoiceFilter): InvoiceConnection!
    partner: Partner }
  type ClientRelationship { status: String! yearlyVolume: Money! client: Organization! }
  type ClientRelationshipEdge { node: ClientRelationship! }
  type ClientRelationshipConnection { totalCount: Int! edges: [ClientRelationshipEdge!]! }
  type RiskOrder { id: ID! }
  type RenewalRisk { reason: String! dueAt: String! client: Organization! product: Product order: RiskOrder }
  type RenewalRiskEdge { node: RenewalRisk! }
  type RenewalRiskConnection { totalCount: Int! edges: [RenewalRiskEdge!]! }
  type Partner { clients(first: Int): ClientRelationshipConnection! renewalRisks(first: Int): RenewalRiskConnection! }
  type Membership { role: String! organization: Organization! }
  type MembershipEdge { node: Membership! }
  type MembershipConnection { edges: [MembershipEdge!]! }
  type User { memberships(first: Int): MembershipConnection! }
  type Query { viewer: User organization(id: ID!): Organization }
`;

const globalId = (type: string, id: number | string) => Buffer.from(`${type}:${id}`).toString('base64url');
const money = (minor: number | string, currency: string) => {
  const n = Number(minor);
  const abs = Math.abs(n);
  return { amount: `${n < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`, currency };
};
/** 'YYYY-MM-DD HH:MM:SS[.sss]' (UTC, both drivers as configured) → ISO 8601. */
const iso = (value: string) => new Date(`${value.replace(' ', 'T')}Z`).toISOString();
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

interface Ctx {
  db: Db;
  userId: number;
  variables: Record<string, any>;
}

/** One page per parent with a window function, as our server's ConnectionLoader does. */
async function pagesByParent(
  ctx: Ctx,
  table: string,
  columns: string,
  parentIds: number[],
  first: number,
  where = '',
  params: unknown[] = [],
) {
  if (parentIds.length === 0 || first === 0) return new Map<number, Row[]>();
  const q = ctx.db.quote;
  const rows = await ctx.db.all(
    `SELECT ${columns} FROM (SELECT t.*, ROW_NUMBER() OVER (PARTITION BY t.organizationId ORDER BY t.id) AS rn
       FROM ${q(table)} t WHERE t.organizationId IN (${marks(parentIds.length)})${where}) x
     WHERE x.rn <= ? ORDER BY x.organizationId, x.id`,
    [...parentIds, ...params, first],
  );
  const byParent = new Map<number, Row[]>();
  for (const row of rows) {
    const id = Number(row.organizationId);
    byParent.set(id, [...(byParent.get(id) ?? []), row]);
  }
  return byParent;
}

async function invoiceCounts(ctx: Ctx, parentIds: number[], where = '', params: unknown[] = []) {
  const rows = await ctx.db.all(
    `SELECT organizationId, COUNT(*) AS n FROM ${ctx.db.quote('invoice')} WHERE organizationId IN (${marks(parentIds.length)})${where} GROUP BY organizationId`,
    [...parentIds, ...params],
  );
  return new Map(rows.map((r) => [Number(r.organizationId), Number(r.n)]));
}

const productNode = (p: Row) => ({
  id: globalId('Product', p.id),
  name: p.name,
  status: p.status,
  expiresAt: iso(p.expiresAt),
  price: money(p.price, p.currency),
});

const invoiceNode = (i: Row, lines?: Row[]) => ({
  id: globalId('Invoice', i.id),
  number: i.number,
  status: i.status,
  dueAt: iso(i.dueAt),
  issuedAt: iso(i.issuedAt),
  total: money(i.total, i.currency),
  lines: (lines ?? []).map((l) => ({
    description: l.description,
    quantity: Number(l.quantity),
    netAmount: money(l.netAmount, i.currency),
    product: l.productId ? { id: globalId('Product', l.productId), name: l.productName } : null,
  })),
});

/**
 * Organizations (rows of id, name, currency) with their first products and open invoices: three
 * statements for all of them, as the portfolio pages ask.
 */
async function organizationsWithLists(ctx: Ctx, organizations: Row[]) {
  const ids = organizations.map((o) => Number(o.id));
  const productsFirst = Number(ctx.variables.products ?? 10);
  const invoicesFirst = Number(ctx.variables.invoices ?? 5);
  const [products, invoices, counts] = await Promise.all([
    pagesByParent(
      ctx,
      'product',
      'x.id, x.organizationId, x.name, x.status, x.expiresAt, x.price, x.currency',
      ids,
      productsFirst,
    ),
    pagesByParent(
      ctx,
      'invoice',
      'x.id, x.organizationId, x.number, x.status, x.dueAt, x.issuedAt, x.total, x.currency',
      ids,
      invoicesFirst,
      ' AND t.status = ?',
      ['OPEN'],
    ),
    ids.length ? invoiceCounts(ctx, ids, ' AND status = ?', ['OPEN']) : new Map<number, number>(),
  ]);
  return new Map(
    organizations.map((o) => [
      Number(o.id),
      {
        id: globalId('Organization', o.id),
        name: o.name,
        currency: o.currency,
        products: { edges: (products.get(Number(o.id)) ?? []).map((p) => ({ node: productNode(p) })) },
        invoices: {
          totalCount: counts.get(Number(o.id)) ?? 0,
          edges: (invoices.get(Number(o.id)) ?? []).map((i) => ({ node: invoiceNode(i) })),
        },
      },
    ]),
  );
}

/** The portfolio: memberships with their organizations, then every organization's products and open invoices at once. */
async function memberships(ctx: Ctx, first: number) {
  const q = ctx.db.quote;
  const rows = await ctx.db.all(
    `SELECT m.id, m.role, o.id AS organizationId, o.name, o.currency FROM ${q('membership')} m
       JOIN ${q('organization')} o ON o.id = m.organizationId WHERE m.userId = ? ORDER BY m.id LIMIT ?`,
    [ctx.userId, first],
  );
  const organizations = await organizationsWithLists(
    ctx,
    rows.map((r) => ({ id: r.organizationId, name: r.name, currency: r.currency })),
  );
  return {
    edges: rows.map((r) => ({ node: { role: r.role, organization: organizations.get(Number(r.organizationId)) } })),
  };
}

/** 'YYYY-MM-DD HH:MM:SS.sss', how both drivers store and compare DateTime columns here. */
const sqlTime = (date: Date) => date.toISOString().replace('T', ' ').replace('Z', '');
const DAY_MS = 86_400_000;

/**
 * A partner's clients page (issue 11's scenario 1): its ACTIVE relationships with the yearly price of
 * the clients' ACTIVE products, the clients with their lists. The benchmark's viewer is the
 * partner's legal representative and every relationship is FULL_ACCOUNT: no per-user reach here.
 */
async function partnerClients(ctx: Ctx, partnerId: number, first: number) {
  const q = ctx.db.quote;
  const [rows, [count]] = await Promise.all([
    ctx.db.all(
      `SELECT r.id, r.status, o.id AS organizationId, o.name, o.currency,
          (SELECT SUM(CASE WHEN p.billingPeriod = 'MONTHLY' THEN p.price * 12 ELSE p.price END) FROM ${q('product')} p
            WHERE p.organizationId = r.clientOrganizationId AND p.status = 'ACTIVE') AS volume
         FROM ${q('client_relationship')} r JOIN ${q('organization')} o ON o.id = r.clientOrganizationId
        WHERE r.partnerId = ? ORDER BY r.id LIMIT ?`,
      [partnerId, first],
    ),
    ctx.db.all(`SELECT COUNT(*) AS n FROM ${q('client_relationship')} WHERE partnerId = ?`, [partnerId]),
  ]);
  const organizations = await organizationsWithLists(
    ctx,
    rows.map((r) => ({ id: r.organizationId, name: r.name, currency: r.currency })),
  );
  return {
    totalCount: Number(count.n),
    edges: rows.map((r) => ({
      node: {
        status: r.status,
        yearlyVolume: money(r.volume ?? 0, r.currency),
        client: organizations.get(Number(r.organizationId)),
      },
    })),
  };
}

/**
 * The partner's renewal risks (products expiring within 14 days without auto-renewal, failed
 * auto-renewals, blocked orders, overdue invoices) of its ACTIVE FULL_ACCOUNT clients, ordered by
 * when each is lost: each source's first page, merged; the four counts in one statement.
 */
async function renewalRisks(ctx: Ctx, partnerId: number, first: number) {
  const q = ctx.db.quote;
  const now = new Date();
  const clients = `SELECT clientOrganizationId FROM ${q('client_relationship')} WHERE partnerId = ? AND status = 'ACTIVE' AND scope = 'FULL_ACCOUNT'`;
  const product = `SELECT p.id, p.organizationId, p.expiresAt AS lostAt, o.name AS clientName, p.name AS productName
    FROM ${q('product')} p JOIN ${q('organization')} o ON o.id = p.organizationId WHERE p.organizationId IN (${clients})`;
  const expiring = ` AND p.status = 'ACTIVE' AND p.autoRenew = 0 AND p.expiresAt > ? AND p.expiresAt <= ?`;
  const failing = ` AND p.autoRenew = 1 AND p.renewalFailures > 0 AND p.status IN ('ACTIVE', 'BLOCKED')`;
  const window = [sqlTime(now), sqlTime(new Date(now.getTime() + 14 * DAY_MS))];
  const blocked = `SELECT o.id, o.organizationId, COALESCE(o.autoCancelAt, o.createdAt) AS lostAt, c.name AS clientName
    FROM ${q('customer_order')} o JOIN ${q('organization')} c ON c.id = o.organizationId
    WHERE o.status = 'BLOCKED' AND o.organizationId IN (${clients})`;
  const overdue = `SELECT i.id, i.organizationId, i.dueAt AS lostAt, c.name AS clientName, i.orderId,
      CASE WHEN i.subject = 'RENEWAL' THEN i.subjectId END AS productId, p.name AS productName
    FROM ${q('invoice')} i JOIN ${q('organization')} c ON c.id = i.organizationId
      LEFT JOIN ${q('product')} p ON p.id = CASE WHEN i.subject = 'RENEWAL' THEN i.subjectId END
    WHERE i.status = 'OVERDUE' AND i.organizationId IN (${clients})`;
  const page = (sql: string, params: unknown[]) =>
    ctx.db.all(`SELECT * FROM (${sql}) s ORDER BY s.lostAt, s.id LIMIT ?`, [...params, first + 1]);
  const [a, b, c, d, [counts]] = await Promise.all([
    page(`${product}${expiring}`, [partnerId, ...window]),
    page(`${product}${failing}`, [partnerId]),
    page(blocked, [partnerId]),
    page(overdue, [partnerId]),
    ctx.db.all(
      `SELECT (SELECT COUNT(*) FROM (${product}${expiring}) a) + (SELECT COUNT(*) FROM (${product}${failing}) b)
        + (SELECT COUNT(*) FROM (${blocked}) c) + (SELECT COUNT(*) FROM (${overdue}) d) AS n`,
      [partnerId, ...window, partnerId, partnerId, partnerId],
    ),
  ]);
  const risk = (reason: string, rank: number, offsetMs: number) => (row: Row) => ({
    rank,
    sourceId: Number(row.id),
    dueAt: new Date(new Date(iso(row.lostAt)).getTime() + offsetMs),
    node: {
      reason,
      client: { id: globalId('Organization', row.organizationId), name: row.clientName },
      product:
        reason === 'ORDER_BLOCKED' || row.productId === null
          ? null
          : { id: globalId('Product', row.productId ?? row.id), name: row.productName },
      order: row.orderId
        ? { id: globalId('Order', row.orderId) }
        : reason === 'ORDER_BLOCKED'
          ? { id: globalId('Order', row.id) }
          : null,
    },
  });
  const merged = [
    ...a.map(risk('EXPIRES_WITHOUT_AUTO_RENEW', 0, 0)),
    ...b.map(risk('AUTO_RENEW_CHARGE_FAILED', 1, 0)),
    ...c.map(risk('ORDER_BLOCKED', 2, 0)),
    ...d.map(risk('INVOICE_OVERDUE', 3, 30 * DAY_MS)),
  ].sort((x, y) => x.dueAt.getTime() - y.dueAt.getTime() || x.rank - y.rank || x.sourceId - y.sourceId);
  return {
    totalCount: Number(counts.n),
    edges: merged.slice(0, first).map((r) => ({ node: { ...r.node, dueAt: r.dueAt.toISOString() } })),
  };
}

/** One organization's invoices with their lines (and the lines' products) in three statements. */
async function organizationInvoices(ctx: Ctx, organizationId: number, first: number) {
  const q = ctx.db.quote;
  const [invoices, counts] = await Promise.all([
    ctx.db.all(
      `SELECT id, organizationId, number, status, dueAt, issuedAt, total, currency FROM ${q('invoice')} WHERE organizationId = ? ORDER BY id LIMIT ?`,
      [organizationId, first],
    ),
    invoiceCounts(ctx, [organizationId]),
  ]);
  const lines = invoices.length
    ? await ctx.db.all(
        `SELECT l.invoiceId, l.description, l.quantity, l.netAmount, l.productId, p.name AS productName FROM ${q('invoice_line')} l
           LEFT JOIN ${q('product')} p ON p.id = l.productId WHERE l.invoiceId IN (${marks(invoices.length)}) ORDER BY l.invoiceId, l.position`,
        invoices.map((i) => i.id),
      )
    : [];
  return {
    totalCount: counts.get(organizationId) ?? 0,
    edges: invoices.map((i) => ({
      node: invoiceNode(
        i,
        lines.filter((l) => Number(l.invoiceId) === Number(i.id)),
      ),
    })),
  };
}

const rootValue = {
  viewer: (_args: unknown, ctx: Ctx) => ({
    memberships: ({ first }: { first?: number }) => memberships(ctx, first ?? 20),
  }),
  organization: async ({ id }: { id: string }, ctx: Ctx) => {
    const match = /^Organization:(\d+)$/.exec(Buffer.from(id, 'base64url').toString('utf8'));
    if (!match) return null;
    const organizationId = Number(match[1]);
    const q = ctx.db.quote;
    const [membership] = await ctx.db.all(
      `SELECT o.id, o.name, o.currency FROM ${q('membership')} m JOIN ${q('organization')} o ON o.id = m.organizationId
        WHERE m.userId = ? AND m.organizationId = ? AND (m.role = 'LEGAL_REPRESENTATIVE' OR m.billingAccess = 1)`,
      [ctx.userId, organizationId],
    );
    if (!membership) throw new GraphQLError('Forbidden', { extensions: { code: 'FORBIDDEN' } });
    return {
      id,
      name: membership.name,
      currency: membership.currency,
      invoices: ({ first }: { first?: number }) => organizationInvoices(ctx, organizationId, first ?? 20),
      partner: async () => {
        const [partner] = await ctx.db.all(`SELECT id FROM ${q('partner')} WHERE organizationId = ?`, [organizationId]);
        if (!partner) return null;
        return {
          clients: ({ first }: { first?: number }) => partnerClients(ctx, Number(partner.id), first ?? 20),
          renewalRisks: ({ first }: { first?: number }) => renewalRisks(ctx, Number(partner.id), first ?? 20),
        };
      },
    };
  },
};

/** Starts the baseline on `port` (0: any) for a DATABASE_URL of either dialect. */
export async function startBaseline(
  databaseUrl: string,
  port = 0,
): Promise<{ server: http.Server; port: number; close(): Promise<void> }> {
  const db = databaseUrl.startsWith('sqlite:') ? sqliteDb(databaseUrl.slice('sqlite:'.length)) : mysqlDb(databaseUrl);
  const schema = buildSchema(SDL);
  const documents = new Map<string, DocumentNode>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const send = (status: number, body: unknown) => {
          const text = JSON.stringify(body);
          res.writeHead(status, {
            'content-type': 'application/json; charset=utf-8',
            'content-length': Buffer.byteLength(text),
          });
          res.end(text);
        };
        try {
          const { query, variables } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            query: string;
            variables?: Record<string, unknown>;
          };
          let document = documents.get(query);
          if (!document) {
            document = parse(query);
            const errors = validate(schema, document);
            if (errors.length) return send(400, { errors: errors.map((e) => ({ message: e.message })) });
            documents.set(query, document);
          }
          const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
          const hash = bearer ? createHash('sha256').update(bearer).digest('hex') : '';
          const [token] = await db.all(
            `SELECT t.userId, t.revokedAt, t.expiresAt, u.lockedAt FROM ${db.quote('api_token')} t JOIN ${db.quote('user')} u ON u.id = t.userId WHERE t.secretHash = ?`,
            [hash],
          );
          if (
            !token ||
            token.revokedAt ||
            token.lockedAt ||
            (token.expiresAt && new Date(iso(token.expiresAt)) <= new Date())
          )
            return send(200, {
              errors: [{ message: 'Unknown token.', extensions: { code: 'UNAUTHENTICATED' } }],
              data: null,
            });
          const ctx: Ctx = { db, userId: Number(token.userId), variables: variables ?? {} };
          const result = await execute({ schema, document, rootValue, contextValue: ctx, variableValues: variables });
          send(200, result);
        } catch (error) {
          send(500, { errors: [{ message: String(error) }] });
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as { port: number }).port,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}
