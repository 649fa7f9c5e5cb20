/**
 * The pages the benchmark sends, word for word the same to our server and to the baseline
 * (bench/baseline/server.ts implements exactly these). Page sizes are variables.
 *
 * PORTFOLIO stands for issue 11's `partner.clients(first: 100)` page until the partner program
 * lands: the same shape through `viewer.memberships` → organization → products and open invoices.
 */
export const PORTFOLIO = `query Portfolio($first: Int!, $products: Int!, $invoices: Int!) {
  viewer { memberships(first: $first) { edges { node { role organization { id name currency
    products(first: $products) { edges { node { id name status expiresAt price { amount currency } } } }
    invoices(first: $invoices, filter: { status: OPEN }) { totalCount edges { node { id number status dueAt total { amount currency } } } }
  } } } } }
}`;

export const INVOICES = `query Invoices($id: ID!, $first: Int!) {
  organization(id: $id) { invoices(first: $first) { totalCount edges { node { id number status issuedAt total { amount currency }
    lines { description quantity netAmount { amount currency } product { id name } } } } } }
}`;

export const portfolioVariables = (first = 100) => ({ first, products: 10, invoices: 5 });

/** Issue 11's portfolio page itself: a partner's clients with their products, open invoices and yearly volume, and its renewal risks. */
export const PARTNER_CLIENTS = `query PartnerClients($id: ID!, $first: Int!, $products: Int!, $invoices: Int!, $risks: Int!) {
  organization(id: $id) { partner { clients(first: $first) { totalCount edges { node { status yearlyVolume { amount currency }
    client { id name currency
      products(first: $products) { edges { node { id name status expiresAt price { amount currency } } } }
      invoices(first: $invoices, filter: { status: OPEN }) { totalCount edges { node { id number status dueAt total { amount currency } } } }
    } } } }
    renewalRisks(first: $risks) { totalCount edges { node { reason dueAt client { id name } product { id name } order { id } } } }
  } }
}`;

export const partnerVariables = (id: string, first = 100) => ({ id, first, products: 10, invoices: 5, risks: 50 });
