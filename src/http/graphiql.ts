import { dirname, join } from 'node:path';
import { Router } from 'express';

/**
 * GraphiQL served from the npm packages (the machines are offline: no CDN). graphiql 3 ships a
 * browser build that runs on React 18's UMD files, so nothing needs bundling.
 */
const ASSETS: Record<string, string> = {
  'react.js': join(dirname(require.resolve('react/package.json')), 'umd', 'react.production.min.js'),
  'react-dom.js': join(dirname(require.resolve('react-dom/package.json')), 'umd', 'react-dom.production.min.js'),
  'graphiql.js': join(dirname(require.resolve('graphiql/package.json')), 'graphiql.min.js'),
  'graphiql.css': join(dirname(require.resolve('graphiql/package.json')), 'graphiql.min.css'),
};

/** Outside production: how to log in with the seeded demo data. */
const DEMO_QUERY = [
  '# Log in (demo data is seeded on the embedded database), then put the token in the Headers tab:',
  '# { "Authorization": "Bearer <token>" }',
  'mutation LogIn {',
  '  logIn(input: { email: "demo@example.ch", password: "demo-password" }) { token userErrors { code message } }',
  '}',
  '',
];

/** In production (GraphiQL enabled with ENABLE_GRAPHIQL=1): no account, no password, no hint about data. */
const PLAIN_QUERY = [
  '# Put your token in the Headers tab: { "Authorization": "Bearer <token>" }',
  '{ viewer { email } }',
  '',
];

const page = (defaultQuery: string[]) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>partner-platform · GraphiQL</title>
  <link rel="stylesheet" href="/graphiql/graphiql.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/graphiql/react.js"></script>
  <script src="/graphiql/react-dom.js"></script>
  <script src="/graphiql/graphiql.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
    const defaultQuery = ${JSON.stringify(defaultQuery.join('\n')).replace(/</g, '\\u003c')};
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultQuery, defaultEditorToolsVisibility: true }),
    );
  </script>
</body>
</html>`;

/** GraphiQL at `/`; `demoHint` pre-fills the demo log-in (never in production). */
export function graphiqlRouter(options: { demoHint: boolean }): Router {
  const html = page(options.demoHint ? DEMO_QUERY : PLAIN_QUERY);
  const router = Router();
  router.get('/', (_req, res) => {
    res.type('html').send(html);
  });
  router.get('/graphiql/:asset', (req, res, next) => {
    const file = ASSETS[req.params.asset];
    if (!file) return next();
    res.sendFile(file, { maxAge: '1d' });
  });
  return router;
}
