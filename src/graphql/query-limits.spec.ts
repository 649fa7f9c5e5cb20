import { buildSchema, parse } from 'graphql';
import { queryCost } from './query-limits';

const schema = buildSchema(`
  type Query { org: Org, orgs(first: Int, after: String): OrgConnection! }
  type Org { name: String!, tags: [String!]!, teams(first: Int, after: String): TeamConnection!, members: [User!]! }
  type TeamConnection { edges: [TeamEdge!]!, totalCount: Int! }
  type TeamEdge { cursor: String!, node: Team! }
  type Team { name: String!, org: Org! }
  type OrgConnection { edges: [OrgEdge!]! }
  type OrgEdge { node: Org! }
  type User { name: String! }
`);

const cost = (query: string, variables: Record<string, unknown> = {}) => queryCost(schema, parse(query), variables);

describe('queryCost', () => {
  it.each([
    ['scalars and scalar lists cost nothing', '{ org { name tags } }', 1],
    ['an object costs 1 plus its selection', '{ org { name } }', 1],
    [
      'a connection costs 2 + default page (20) × its selection',
      '{ org { teams { edges { node { name } } } } }',
      1 + 2 + 20 * 2,
    ],
    ['first sets the page size', '{ org { teams(first: 5) { totalCount edges { node { name } } } } }', 1 + 2 + 5 * 2],
    ['first: 0 costs only the connection', '{ org { teams(first: 0) { edges { node { name } } } } }', 1 + 2],
    ['a plain list of objects counts as 10 objects', '{ org { members { name } } }', 1 + 10],
    [
      'nested pages multiply',
      '{ orgs(first: 10) { edges { node { teams(first: 10) { edges { node { name } } } } } } }',
      2 + 10 * (1 + 1 + 2 + 10 * 2),
    ],
    ['introspection costs nothing', '{ __schema { types { name fields { name } } } }', 0],
  ])('%s', (_label, query, expected) => {
    expect(cost(query)).toBe(expected);
  });

  it('reads page sizes from variables', () => {
    expect(cost('query($n: Int) { org { teams(first: $n) { edges { node { name } } } } }', { n: 3 })).toBe(
      1 + 2 + 3 * 2,
    );
  });

  it.each([[101], [-1], [100_000]])('refuses first: %d naming the field', (first) => {
    expect(() => cost(`{ org { teams(first: ${first}) { totalCount } } }`)).toThrow(
      `"first" and "last" must be between 0 and 100; got Org.teams(first: ${first}).`,
    );
  });
});
