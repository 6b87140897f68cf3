declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
  }
}

/** Vite's raw imports: the file's text (tests read docs/api.md this way). */
declare module "*?raw" {
  const text: string;
  export default text;
}
