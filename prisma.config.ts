// Prisma CLI configuration. Prisma 6.19 runs migrations on its bundled WASM schema engine
// through a driver adapter (no Rust engines to download); the provider follows DATABASE_URL.
import { defineConfig } from 'prisma/config';
import { databaseTarget } from './src/store/database-url.ts';
import { createAdapterFactory } from './src/store/adapter.ts';

const target = databaseTarget(process.env.DATABASE_URL);

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: `prisma/${target.provider}/schema.prisma`,
  adapter: async () => createAdapterFactory(target),
});
