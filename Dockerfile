# Multi-stage build: compile backend and SPA, then ship only production dependencies and the build output.
# The Stripe emulator (backend/stripe-emulator, a dev dependency) is left out of the runtime image.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY backend/package.json backend/
COPY backend/stripe-emulator/package.json backend/stripe-emulator/
COPY backend/currency backend/currency
COPY frontend/package.json frontend/
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json ./
COPY backend backend
COPY frontend frontend
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY backend/package.json backend/
COPY backend/stripe-emulator/package.json backend/stripe-emulator/
COPY backend/currency backend/currency
COPY frontend/package.json frontend/
RUN npm ci --omit=dev --no-audit --no-fund -w @collabpay/backend && npm cache clean --force
COPY --from=build /app/backend/dist backend/dist
COPY --from=build /app/frontend/dist frontend/dist
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD node -e "fetch('http://127.0.0.1:3000/api/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "--enable-source-maps", "backend/dist/main.js"]
