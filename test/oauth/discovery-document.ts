import { startServer } from './servers';

/** What the document server answers: an OpenID configuration (as JSON) or a bare HTTP status. */
export type DocumentAnswer = Record<string, unknown> | number;

/**
 * A server on 127.0.0.1 that publishes `/.well-known/openid-configuration` as a test says, and
 * counts how often it was fetched (the other paths answer 404 and are not counted).
 */
export interface DocumentServer {
  /** The server's base URL, e.g. to use as the issuer it claims to be. */
  url: string;
  /** Discovery requests received so far. */
  readonly fetches: number;
  /** What the next discovery requests get. */
  serve(answer: DocumentAnswer): void;
  close(): Promise<void>;
}

export async function startDocumentServer(): Promise<DocumentServer> {
  const server = await startServer();
  let answer: DocumentAnswer = 503;
  let fetches = 0;
  server.handle((req, res) => {
    if (new URL(req.url ?? '/', server.url).pathname !== '/.well-known/openid-configuration') {
      res.writeHead(404).end();
      return;
    }
    fetches++;
    if (typeof answer === 'number') {
      res.writeHead(answer, { 'content-type': 'text/plain' }).end('unavailable');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
  return {
    url: server.url,
    get fetches() {
      return fetches;
    },
    serve(next) {
      answer = next;
    },
    close: () => server.close(),
  };
}

/** A complete configuration whose endpoints are under `base` (nothing needs to answer there). */
export function documentFor(issuer: string, base = issuer): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/token`,
    userinfo_endpoint: `${base}/userinfo`,
    jwks_uri: `${base}/jwks`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
  };
}
