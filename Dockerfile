# The enchufe demo (`enchufe serve`): the chat and the dashboard over HTTP on $PORT
# (3000), and the terminal chat for nc on $ENCHUFE_LINE_PORT (4000). docs/deploy.md
# has the details.
#
#   docker build -t enchufe .
#   docker run --rm -p 3000:3000 -p 4000:4000 -e ENCHUFE_ADMIN_PASSWORD=change-me enchufe

# Build stage: every dependency, then `npm run build` (TypeScript into dist/, and the
# browser bundles into dist/client-bundle/).
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

# Runtime stage: production dependencies only, dist/ and the pages in web/, run as the
# image's unprivileged `node` user. The files stay root's: the server only reads them.
FROM node:20-slim
ENV NODE_ENV=production \
    PORT=3000 \
    ENCHUFE_LINE_PORT=4000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist/ ./dist/
COPY web/ ./web/
USER node
EXPOSE 3000 4000
# node:20-slim has no curl: Node's own fetch asks /healthz, which answers 503 while
# the server shuts down.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The exec form makes node PID 1, so `docker stop`'s SIGTERM reaches it directly and it
# shuts down gracefully (within Docker's 10 s grace period).
CMD ["node", "dist/cli/main.js", "serve"]
