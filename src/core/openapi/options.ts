/** Router options for the served spec and Swagger UI (auth, admin and tools routers). */
export interface ApiDocsOptions {
  /**
   * Serve `openapi.json` and the Swagger UI page (`docs`). `'auto'` (default): on unless
   * `NODE_ENV` is `production`.
   */
  swagger?: 'auto' | boolean;
  /** The path the router is mounted at, for the spec's paths (default: the router's usual one). */
  swaggerBasePath?: string;
  /**
   * Folder of the `swagger-ui-dist` package. Default: resolved from the application's
   * dependencies; without it the page answers 501 while `openapi.json` still works.
   */
  swaggerUiDist?: string;
}

/** True when the spec and docs are served, from `swagger` and `NODE_ENV`. */
export function docsEnabled(option: ApiDocsOptions['swagger'], env = process.env.NODE_ENV) {
  return option === 'auto' || option === undefined ? env !== 'production' : option;
}
