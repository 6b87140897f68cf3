import { defineConfig } from "drizzle-kit";

// `npm run db:generate` writes SQL migrations into migrations/, which wrangler applies.
export default defineConfig({
  dialect: "sqlite",
  schema: "./protocol/d1-schema.ts",
  out: "./migrations",
});
