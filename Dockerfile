# Operator as a container: the same sources `npm start` runs (Node 24 strips the TypeScript
# types; there is no build step). docker-compose.yml runs it on PostgreSQL with a Chroma server.
FROM node:24-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data

# Dependencies first, so a source change does not reinstall them; then the sources, and the
# Prisma clients generated from them (what `npm install` runs as postinstall).
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY . .
RUN npm run postinstall
# The local embedder's word vectors, converted once into the image rather than in every container.
ENV OPERATOR_CACHE=/app/.cache
RUN node scripts/word-vectors.ts
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000

HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node", "src/main.ts"]
