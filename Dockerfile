# Interceptor API + worker image. TypeScript runs through tsx, so the image needs no build step.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# better-sqlite3 (embedded Temporal store) builds against Node's headers when no prebuild matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .
# The UI is built at image build time: the runtime user cannot write into /app.
RUN npx tsx ui/build.ts
RUN useradd --system --uid 10001 interceptor && mkdir -p /data && chown interceptor /data
USER interceptor
ENV INTERCEPTOR_DATA_DIR=/data HOST=0.0.0.0 PORT=4000
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --retries=6 CMD node -e "fetch('http://127.0.0.1:4000/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
ENTRYPOINT ["node", "bin/interceptor"]
CMD ["start"]
