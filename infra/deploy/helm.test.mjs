import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ensureHelm } from '../dev/go-tools.mjs';
import { repoRoot } from '../dev/util.mjs';
import { configEnvNames, SECRET_ENV } from './config-env.mjs';

/*
 * `helm lint` and `helm template` on infra/helm/herald, then the essentials of what it renders:
 * probes, non-root pods, resource requests, HPAs, the migration hook, and secrets only ever by
 * reference. Helm is `go install`ed into ~/.cache/herald/bin when missing (once per machine).
 */
const run = promisify(execFile);
// helm takes a second or two per call, more on a busy 2-core CI machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });
const chart = path.join(repoRoot, 'infra', 'helm', 'herald');
// go-installed helm has no default Kubernetes version stamped in; render for a current one.
const KUBE_VERSION = '1.31.0';
const DEFAULTS = path.join(chart, 'ci', 'default-values.yaml');
const CLOUD = path.join(chart, 'ci', 'temporal-cloud-values.yaml');

/** @type {string} */
let helm;

/**
 * @param {string[]} args
 * @returns {Promise<{ stdout: string, stderr: string }>}
 */
function helmRun(args) {
  return run(helm, args, {
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, HELM_CACHE_HOME: '/tmp/herald-helm-cache' },
  });
}

/**
 * @param {string} valuesFile
 * @param {string[]} [extra]
 * @returns {Promise<any[]>} the rendered objects
 */
async function render(valuesFile, extra = []) {
  const { stdout } = await helmRun([
    'template',
    'herald',
    chart,
    '--namespace',
    'herald',
    '--kube-version',
    KUBE_VERSION,
    '-f',
    valuesFile,
    ...extra,
  ]);
  return parseAllDocuments(stdout)
    .map((doc) => {
      if (doc.errors.length) throw doc.errors[0];
      return doc.toJS();
    })
    .filter(Boolean);
}

/**
 * @param {any[]} objects
 * @param {string} kind
 */
const ofKind = (objects, kind) => objects.filter((o) => o.kind === kind);

/** @param {any} workload */
const podSpec = (workload) => workload.spec.template.spec;

beforeAll(async () => {
  helm = await ensureHelm({ log: (msg) => console.log(`[helm] ${msg}`) });
}, 25 * 60_000);

describe('helm lint', () => {
  it.each([
    ['default values', DEFAULTS],
    ['external Temporal Cloud + HPA', CLOUD],
  ])('passes with %s', async (_name, values) => {
    const { stdout } = await helmRun([
      'lint',
      chart,
      '--strict',
      '--kube-version',
      KUBE_VERSION,
      '-f',
      values,
    ]);
    expect(stdout).toContain('0 chart(s) failed');
  });
});

describe.each([
  ['default values', DEFAULTS],
  ['external Temporal Cloud + HPA', CLOUD],
])('rendered with %s', (_name, values) => {
  /** @type {any[]} */
  let objects;
  beforeAll(async () => {
    objects = await render(values);
  });

  it('has a Deployment per app', () => {
    const names = ofKind(objects, 'Deployment').map(
      (d) => d.metadata.labels['app.kubernetes.io/component'],
    );
    expect(names.sort()).toEqual(['api', 'billing', 'portal', 'worker']);
  });

  it('probes every Deployment: liveness and startup on /healthz, readiness on /readyz', () => {
    for (const deployment of ofKind(objects, 'Deployment')) {
      const component = deployment.metadata.labels['app.kubernetes.io/component'];
      for (const container of podSpec(deployment).containers) {
        expect(container.livenessProbe?.httpGet?.path, component).toBe('/healthz');
        expect(container.startupProbe?.httpGet?.path, component).toBe('/healthz');
        expect(container.readinessProbe?.httpGet?.path, component).toBe('/readyz');
        const port = container.ports.find((p) => p.name === container.livenessProbe.httpGet.port);
        expect(port, `${component} probe port`).toBeTruthy();
      }
    }
  });

  it('runs every pod as non-root, without privilege escalation, with resource requests', () => {
    for (const workload of [...ofKind(objects, 'Deployment'), ...ofKind(objects, 'Job')]) {
      const spec = podSpec(workload);
      expect(spec.securityContext.runAsNonRoot, workload.metadata.name).toBe(true);
      expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
      for (const container of spec.containers) {
        expect(container.securityContext.allowPrivilegeEscalation).toBe(false);
        expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
        expect(container.resources?.requests?.cpu, workload.metadata.name).toBeTruthy();
        expect(container.resources?.requests?.memory, workload.metadata.name).toBeTruthy();
      }
    }
  });

  it('autoscales the API and the worker', () => {
    const hpas = ofKind(objects, 'HorizontalPodAutoscaler');
    const targets = hpas.map((h) => h.spec.scaleTargetRef.name).sort();
    expect(targets).toEqual(['herald-api', 'herald-worker']);
    for (const hpa of hpas) {
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
      const deployment = ofKind(objects, 'Deployment').find(
        (d) => d.metadata.name === hpa.spec.scaleTargetRef.name,
      );
      // The HPA owns the replica count.
      expect(deployment.spec.replicas).toBeUndefined();
    }
  });

  it('spreads worker pods over nodes and zones', () => {
    const worker = ofKind(objects, 'Deployment').find((d) => d.metadata.name === 'herald-worker');
    const spec = podSpec(worker);
    const keys = spec.topologySpreadConstraints.map((c) => c.topologyKey);
    expect(keys).toEqual(
      expect.arrayContaining(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']),
    );
    expect(spec.affinity.podAntiAffinity).toBeTruthy();
  });

  it('migrates in a pre-install/pre-upgrade hook Job', () => {
    const [job] = ofKind(objects, 'Job');
    expect(job.metadata.annotations['helm.sh/hook'].split(',').sort()).toEqual([
      'pre-install',
      'pre-upgrade',
    ]);
    const container = podSpec(job).containers[0];
    expect(container.command.join(' ')).toBe('node apps/api/dist/migrate.js');
    // The chart's own Secret and the existing one happen to share the name in these values.
    expect(container.envFrom.map((e) => e.secretRef?.name)).toContain('herald-secrets');
  });

  it('never inlines a secret: Deployments reference the Secret, the ConfigMap holds none', () => {
    const configMap = ofKind(objects, 'ConfigMap')[0];
    for (const name of Object.keys(configMap.data)) expect(SECRET_ENV.has(name), name).toBe(false);
    for (const workload of [...ofKind(objects, 'Deployment'), ...ofKind(objects, 'Job')]) {
      for (const container of podSpec(workload).containers) {
        for (const entry of container.env ?? []) {
          if (SECRET_ENV.has(entry.name)) {
            expect(entry.value, `${workload.metadata.name} ${entry.name}`).toBeUndefined();
            expect(entry.valueFrom?.secretKeyRef).toBeTruthy();
          }
        }
      }
    }
  });

  it('sets only variables the apps read', () => {
    const known = configEnvNames();
    const configMap = ofKind(objects, 'ConfigMap')[0];
    const names = new Set(Object.keys(configMap.data));
    for (const workload of [...ofKind(objects, 'Deployment'), ...ofKind(objects, 'Job')]) {
      if (workload.metadata.labels['app.kubernetes.io/component'] === 'portal') continue;
      for (const container of podSpec(workload).containers) {
        for (const entry of container.env ?? []) names.add(entry.name);
      }
    }
    expect([...names].filter((n) => !known.has(n))).toEqual([]);
  });
});

describe('external Temporal Cloud values', () => {
  /** @type {any[]} */
  let objects;
  beforeAll(async () => {
    objects = await render(CLOUD);
  });

  it('points every app at Temporal Cloud with the mTLS pair from its Secret', () => {
    const configMap = ofKind(objects, 'ConfigMap')[0];
    expect(configMap.data.TEMPORAL_ADDRESS).toBe('herald-prod.a1b2c.tmprl.cloud:7233');
    expect(configMap.data.TEMPORAL_NAMESPACE).toBe('herald-prod.a1b2c');
    for (const name of ['herald-api', 'herald-worker', 'herald-billing']) {
      const deployment = ofKind(objects, 'Deployment').find((d) => d.metadata.name === name);
      const env = podSpec(deployment).containers[0].env;
      const cert = env.find((e) => e.name === 'TEMPORAL_TLS_CERT');
      const key = env.find((e) => e.name === 'TEMPORAL_TLS_KEY');
      expect(cert.valueFrom.secretKeyRef).toEqual({
        name: 'herald-temporal-client-tls',
        key: 'tls.crt',
      });
      expect(key.valueFrom.secretKeyRef).toEqual({
        name: 'herald-temporal-client-tls',
        key: 'tls.key',
      });
    }
  });

  it('uses the existing Secret instead of rendering one', () => {
    expect(ofKind(objects, 'Secret')).toEqual([]);
    const api = ofKind(objects, 'Deployment').find((d) => d.metadata.name === 'herald-api');
    expect(podSpec(api).containers[0].envFrom).toContainEqual({
      secretRef: { name: 'herald-secrets' },
    });
  });

  it('tunes the worker and scales it on queue lag as well as CPU', () => {
    const worker = ofKind(objects, 'Deployment').find((d) => d.metadata.name === 'herald-worker');
    const env = Object.fromEntries(
      podSpec(worker)
        .containers[0].env.filter((e) => 'value' in e)
        .map((e) => [e.name, e.value]),
    );
    expect(env).toMatchObject({
      HERALD_WORKER_MAX_ACTIVITIES: '400',
      HERALD_ENDPOINT_CONCURRENCY: '100',
      NODE_OPTIONS: '--max-old-space-size=512 --max-semi-space-size=8',
    });
    const hpa = ofKind(objects, 'HorizontalPodAutoscaler').find(
      (h) => h.metadata.name === 'herald-worker',
    );
    expect(hpa.spec.metrics.map((m) => m.pods?.metric.name ?? m.resource?.name)).toEqual([
      'cpu',
      'herald_delivery_queue_lag_seconds',
    ]);
  });

  it('routes the ingress and creates ServiceMonitors', () => {
    const [ingress] = ofKind(objects, 'Ingress');
    const paths = ingress.spec.rules[0].http.paths.map((p) => [p.path, p.backend.service.name]);
    expect(paths).toEqual([
      ['/graphql', 'herald-api'],
      ['/stripe', 'herald-billing'],
      ['/', 'herald-portal'],
    ]);
    expect(
      ofKind(objects, 'ServiceMonitor')
        .map((s) => s.metadata.name)
        .sort(),
    ).toEqual(['herald-api', 'herald-billing', 'herald-worker']);
  });
});

describe('Temporal Cloud with an API key', () => {
  it('keeps the key in the Secret and turns nothing else on', async () => {
    const objects = await render(DEFAULTS, [
      '--set',
      'temporal.address=herald.a1b2c.tmprl.cloud:7233',
      '--set',
      'secrets.values.temporalApiKey=tmprl-key-123',
    ]);
    const [secret] = ofKind(objects, 'Secret');
    expect(secret.stringData.TEMPORAL_API_KEY).toBe('tmprl-key-123');
    expect(secret.metadata.annotations['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    const configMap = ofKind(objects, 'ConfigMap')[0];
    expect(JSON.stringify(configMap)).not.toContain('tmprl-key-123');
    for (const deployment of ofKind(objects, 'Deployment')) {
      expect(JSON.stringify(deployment)).not.toContain('tmprl-key-123');
      const env = podSpec(deployment).containers[0].env ?? [];
      expect(env.map((e) => e.name)).not.toContain('TEMPORAL_TLS_CERT');
    }
  });
});

describe('chart validation', () => {
  it('refuses to render without the database URL and encryption key', async () => {
    await expect(render(path.join(chart, 'values.yaml'))).rejects.toThrow(
      /secrets.values.databaseUrl/,
    );
  });

  it('refuses mTLS without the certificate Secret', async () => {
    await expect(render(DEFAULTS, ['--set', 'temporal.mtls.enabled=true'])).rejects.toThrow(
      /temporal.mtls.existingSecret is required/,
    );
  });
});
