/**
 * The deployment files (no container engine or cluster here): docker-compose.yml with its HAProxy config, and the
 * Kubernetes manifests in backend/deploy/kubernetes, each object validated against the Kubernetes OpenAPI schemas
 * (kubernetes-models), then cross-checked: labels and selectors, ports and probes, and the environment every
 * process gets passes the server's own configuration check (loadConfig) with the values the files provide.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ConfigError, loadConfig } from '../../src/config/env.schema';

const ROOT = resolve(__dirname, '../../..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
type Env = Record<string, string>;

/** `node --enable-source-maps backend/dist/x.js` in the image ← backend/src/x.ts exists. */
function entryExists(command: string[]): boolean {
  const js = command.find((c) => c.startsWith('backend/dist/'));
  return !!js && existsSync(join(ROOT, js.replace('backend/dist/', 'backend/src/').replace(/\.js$/, '.ts')));
}

/** What loadConfig says about an environment: 'ok' or its error. */
function configCheck(env: Env): string {
  try {
    loadConfig(env);
    return 'ok';
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
}

function parseEnvFile(text: string): Env {
  const env: Env = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) env[m[1]] = m[2];
  }
  return env;
}

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, any> };
  const s = compose.services;
  // ${VAR:-default} as compose interpolates it with nothing set
  const interpolate = (v: unknown) => String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
  const envFileOf = (svc: any): Env =>
    Object.assign({}, ...(svc.env_file ?? []).map((f: string) => parseEnvFile(read(existsSync(join(ROOT, f)) ? f : `${f}.example`))));
  const envOf = (svc: any): Env => ({
    ...envFileOf(svc),
    ...Object.fromEntries(Object.entries(svc.environment ?? {}).map(([k, v]) => [k, interpolate(v)])),
  });

  it('has the api, worker, migrate, pgbouncer, postgres, redis and proxy services', () => {
    expect(Object.keys(s).sort()).toEqual(['api', 'migrate', 'pgbouncer', 'postgres', 'proxy', 'redis', 'worker']);
    for (const name of ['api', 'worker', 'migrate']) {
      expect(s[name].build).toBe('.');
      expect(existsSync(join(ROOT, 'Dockerfile'))).toBe(true);
      expect(entryExists(s[name].command)).toBe(true);
    }
    expect(s.api.command.join(' ')).toMatch(/backend\/dist\/main\.js$/);
    expect(s.worker.command.join(' ')).toMatch(/backend\/dist\/worker\.js$/);
    expect(s.migrate.command.join(' ')).toMatch(/backend\/dist\/cli\/migrate\.js$/);
  });

  it('runs two api and two worker replicas after the one-shot migration, on healthy dependencies', () => {
    expect(s.api.deploy.replicas).toBe(2);
    expect(s.worker.deploy.replicas).toBe(2);
    expect(s.migrate.restart).toBe('no');
    expect(s.migrate.deploy?.replicas ?? 1).toBe(1);
    for (const name of ['api', 'worker']) {
      expect(s[name].depends_on).toEqual({
        migrate: { condition: 'service_completed_successfully' },
        pgbouncer: { condition: 'service_healthy' },
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
      expect(s[name].ports).toBeUndefined(); // only the proxy is published (replicas cannot share a host port)
    }
    expect(s.migrate.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(s.pgbouncer.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(s.proxy.depends_on).toEqual({ api: { condition: 'service_healthy' } });
    for (const name of ['postgres', 'redis', 'pgbouncer', 'api']) expect(s[name].healthcheck?.test).toBeDefined();
  });

  it('checks the api on /api/health on its own port, and pools through PgBouncer in transaction mode', () => {
    const api = envOf(s.api);
    expect(s.api.healthcheck.test.join(' ')).toContain(`http://127.0.0.1:${api.PORT}/api/health`);
    expect(s.pgbouncer.environment.POOL_MODE).toBe('transaction');
    expect(s.pgbouncer.environment.DB_HOST).toBe('postgres');
    for (const name of ['api', 'worker', 'migrate']) {
      const env = envOf(s[name]);
      expect(new URL(env.DATABASE_URL).host).toBe(`pgbouncer:${s.pgbouncer.environment.LISTEN_PORT}`);
      expect(new URL(env.DATABASE_DIRECT_URL).hostname).toBe('postgres');
      expect(new URL(env.REDIS_URL).hostname).toBe('redis');
      expect(env.SKIP_MIGRATIONS).toBe('true');
    }
  });

  it('gives every process an environment the server accepts, with RUN_WORKER set per role', () => {
    for (const name of ['api', 'worker', 'migrate']) {
      const env = envOf(s[name]);
      expect([name, configCheck(env)]).toEqual([name, 'ok']);
      expect(env.NODE_ENV).toBe('production');
    }
    expect(envOf(s.api).RUN_WORKER).toBe('false');
    expect(envOf(s.worker).RUN_WORKER).toBe('true');
    // the check has teeth: the env file without its secrets is refused
    const { JWT_SECRET: _j, STRIPE_WEBHOOK_SECRET: _w, ...partial } = envOf(s.api);
    expect(configCheck(partial)).toMatch(/JWT_SECRET[\s\S]*STRIPE_WEBHOOK_SECRET is required/);
  });

  it('routes the proxy to the api replicas on their port, sticky, with WebSocket tunnels', () => {
    const mount = (s.proxy.volumes as string[]).find((v) => v.includes('haproxy.cfg'))!;
    const cfg = read(mount.split(':')[0].replace(/^\.\//, ''));
    const apiPort = envOf(s.api).PORT;
    const backend = /^backend api\n([\s\S]*?)(?:\n\S|(?![\s\S]))/m.exec(cfg)?.[1] ?? '';
    expect(/default_backend api/.test(cfg)).toBe(true);
    const template = /server-template api (\S+) api:(\d+)/.exec(backend);
    expect(template?.[2]).toBe(apiPort);
    // the slot count is the API_SLOTS setting: a default in haproxy.cfg (presetenv) and the one compose passes agree
    expect(template?.[1]).toBe('"${API_SLOTS}"');
    const cfgDefault = /^\s*presetenv API_SLOTS (\d+)$/m.exec(cfg)?.[1];
    expect(cfgDefault).toBeDefined();
    expect(interpolate(s.proxy.environment.API_SLOTS)).toBe(cfgDefault);
    expect(Number(cfgDefault)).toBeGreaterThanOrEqual(s.api.deploy.replicas);
    // presetenv comes before its use (HAProxy expands "${...}" as it reads each line)
    expect(cfg.search(/^\s*presetenv API_SLOTS /m)).toBeLessThan(cfg.search(/^\s*server-template /m));
    expect(backend).toMatch(/option httpchk GET \/api\/health/);
    expect(backend).toMatch(/cookie \w+ insert/);
    expect(cfg).toMatch(/timeout tunnel \d+/);
    const bind = /bind :(\d+)/.exec(cfg)?.[1];
    expect(s.proxy.ports.map((p: string) => interpolate(p).split(':').pop())).toContain(bind);
  });

  it('is accepted by `haproxy -c` where HAProxy is installed, with the default and a raised API_SLOTS', () => {
    const v = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
    if (v.status !== 0) return; // no HAProxy on this machine: the structural checks above stand alone
    const cfg = join(ROOT, 'backend/deploy/haproxy.cfg');
    const { API_SLOTS: _unset, ...env } = process.env;
    for (const extra of [{}, { API_SLOTS: '40' }]) {
      const r = spawnSync('haproxy', ['-c', '-f', cfg], { encoding: 'utf8', env: { ...env, ...extra } });
      expect([r.status, r.stderr]).toEqual([0, expect.any(String)]);
    }
    const bad = spawnSync('haproxy', ['-c', '-f', cfg], { encoding: 'utf8', env: { ...env, API_SLOTS: 'many' } });
    expect(bad.status).not.toBe(0);
  });

  it('is accepted by `docker compose config` where Docker Compose is installed', () => {
    const v = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
    if (v.status !== 0) return; // no Compose on this machine: the structural checks above stand alone
    const r = spawnSync('docker', ['compose', '--env-file', '/dev/null', 'config', '-q'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
  });
});

describe('backend/deploy/kubernetes', () => {
  const dir = join(ROOT, 'backend', 'deploy', 'kubernetes');
  const models: Record<string, new (data: any) => { validate(): void }> = {
    'apps/v1/Deployment': Deployment,
    'v1/Service': Service,
    'v1/ConfigMap': ConfigMap,
    'v1/Secret': Secret,
    'batch/v1/Job': Job,
    'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
    'networking.k8s.io/v1/Ingress': Ingress,
  };
  const docs: any[] = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => ({ ...(d.toJS() as object), __file: f })));
  const of = (kind: string) => docs.filter((d) => d.kind === kind);
  const byName = (kind: string, name: string) => of(kind).find((d) => d.metadata.name === name);
  const strip = ({ __file: _f, ...d }: any) => d;
  const deployment = (component: string) => of('Deployment').find((d) => d.metadata.labels['app.kubernetes.io/component'] === component);
  const containerEnv = (c: any): Env => {
    const env: Env = {};
    for (const from of c.envFrom ?? []) {
      if (from.configMapRef) Object.assign(env, byName('ConfigMap', from.configMapRef.name).data);
      if (from.secretRef) Object.assign(env, byName('Secret', from.secretRef.name).stringData);
    }
    for (const e of c.env ?? []) env[e.name] = e.value ?? byName('Secret', e.valueFrom.secretKeyRef.name).stringData[e.valueFrom.secretKeyRef.key];
    return env;
  };

  it('validates every object against the Kubernetes schemas', () => {
    expect(docs.length).toBeGreaterThanOrEqual(11);
    for (const d of docs) {
      const Model = models[`${d.apiVersion}/${d.kind}`];
      expect([d.__file, d.kind, Model ? 'known' : 'unknown kind']).toEqual([d.__file, d.kind, 'known']);
      expect(() => new Model(strip(d)).validate()).not.toThrow();
    }
    // the validation has teeth
    const bad = strip(deployment('api'));
    expect(() => new Deployment({ ...bad, spec: { ...bad.spec, replicas: 'two' } }).validate()).toThrow();
    expect(() => new Deployment({ ...bad, spec: { ...bad.spec, selector: undefined } }).validate()).toThrow();
  });

  it('has an api and a worker Deployment, each with an autoscaler, a migration Job, PgBouncer and an Ingress', () => {
    expect(
      of('Deployment')
        .map((d) => d.metadata.labels['app.kubernetes.io/component'])
        .sort(),
    ).toEqual(['api', 'pgbouncer', 'worker']);
    expect(deployment('api').spec.template.spec.containers[0].command.join(' ')).toMatch(/backend\/dist\/main\.js$/);
    expect(deployment('worker').spec.template.spec.containers[0].command.join(' ')).toMatch(/backend\/dist\/worker\.js$/);
    const job = of('Job')[0];
    expect(job.spec.template.spec.containers[0].command.join(' ')).toMatch(/backend\/dist\/cli\/migrate\.js$/);
    for (const d of [deployment('api'), deployment('worker'), job]) expect(entryExists(d.spec.template.spec.containers[0].command)).toBe(true);
    expect(
      of('HorizontalPodAutoscaler')
        .map((h) => h.spec.scaleTargetRef.name)
        .sort(),
    ).toEqual([deployment('api').metadata.name, deployment('worker').metadata.name].sort());
    for (const h of of('HorizontalPodAutoscaler')) {
      expect(h.spec.scaleTargetRef.kind).toBe('Deployment');
      expect(h.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(h.spec.maxReplicas).toBeGreaterThan(h.spec.minReplicas);
    }
    expect(deployment('pgbouncer').spec.template.spec.containers[0].env.find((e: any) => e.name === 'POOL_MODE').value).toBe('transaction');
  });

  it('matches selectors to labels and Services, Ingress and probes to container ports', () => {
    for (const d of of('Deployment')) {
      const labels = d.spec.template.metadata.labels;
      for (const [k, v] of Object.entries(d.spec.selector.matchLabels)) expect([d.metadata.name, k, labels[k]]).toEqual([d.metadata.name, k, v]);
    }
    for (const svc of of('Service')) {
      const targets = of('Deployment').filter((d) => Object.entries(svc.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v));
      expect([svc.metadata.name, targets.length]).toEqual([svc.metadata.name, 1]);
      const ports = targets[0].spec.template.spec.containers.flatMap((c: any) => c.ports ?? []);
      for (const p of svc.spec.ports) expect(ports.some((cp: any) => cp.name === p.targetPort || cp.containerPort === p.targetPort)).toBe(true);
    }
    for (const rule of of('Ingress')[0].spec.rules) {
      for (const path of rule.http.paths) {
        const svc = byName('Service', path.backend.service.name);
        expect(svc?.spec.selector['app.kubernetes.io/component']).toBe('api');
        expect(svc.spec.ports.map((p: any) => p.name)).toContain(path.backend.service.port.name);
      }
    }
    const api = deployment('api').spec.template.spec.containers[0];
    const http = api.ports.find((p: any) => p.name === 'http');
    expect(String(http.containerPort)).toBe(containerEnv(api).PORT);
    for (const probe of [api.readinessProbe, api.livenessProbe]) expect(probe.httpGet).toEqual({ path: '/api/health', port: 'http' });
    // Socket.io needs the same pod for its polling handshake and upgrade, and a long-lived WebSocket
    const ann = of('Ingress')[0].metadata.annotations;
    expect(ann['nginx.ingress.kubernetes.io/affinity']).toBe('cookie');
    expect(Number(ann['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(60);
  });

  it('gives every app container an environment the server accepts, from the ConfigMap and the Secret', () => {
    const containers = [deployment('api'), deployment('worker'), of('Job')[0]].map((d) => d.spec.template.spec.containers[0]);
    for (const c of containers) {
      expect(c.envFrom.map((f: any) => Object.keys(f)[0]).sort()).toEqual(['configMapRef', 'secretRef']);
      const env = containerEnv(c);
      expect([c.name, configCheck(env)]).toEqual([c.name, 'ok']);
      expect(env.NODE_ENV).toBe('production');
      expect(new URL(env.DATABASE_URL).hostname).toBe(byName('Service', 'collabpay-pgbouncer').metadata.name);
      expect(env.DATABASE_DIRECT_URL).toBeDefined();
    }
    expect(containerEnv(containers[0]).RUN_WORKER).toBe('false');
    expect(containerEnv(containers[1]).RUN_WORKER).toBe('true');
    // the secrets are required: without the Secret the server refuses to start
    const secretless = { ...byName('ConfigMap', 'collabpay-config').data };
    expect(configCheck(secretless)).toMatch(/DATABASE_URL is required/);
    // PgBouncer's upstream is the direct URL of the same Secret
    const pgb = deployment('pgbouncer').spec.template.spec.containers[0];
    expect(containerEnv(pgb).DATABASE_URL).toBe(byName('Secret', 'collabpay-secrets').stringData.DATABASE_DIRECT_URL);
  });
});
