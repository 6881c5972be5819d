import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../dev/util.mjs';
import { configEnvNames } from './config-env.mjs';

/*
 * No Docker engine runs here, so infra/docker-compose.yml is checked statically: the services
 * and their wiring, and that every variable handed to a Herald app is one the app reads.
 */
const composeFile = path.join(repoRoot, 'infra', 'docker-compose.yml');
const compose = parse(fs.readFileSync(composeFile, 'utf8'), { merge: true });
const services = compose.services;
const HERALD_APPS = ['api', 'worker', 'billing'];

/** @param {Record<string, unknown> | string[] | undefined} env */
function envNames(env) {
  if (!env) return [];
  return Array.isArray(env) ? env.map((e) => String(e).split('=')[0]) : Object.keys(env);
}

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, Temporal with its UI, and every Herald app', () => {
    for (const name of ['postgres', 'temporal', 'temporal-ui', ...HERALD_APPS]) {
      expect(services, name).toHaveProperty(name);
    }
    expect(services.temporal.image).toMatch(/^temporalio\/(auto-setup|temporal|server)/);
    expect(services['temporal-ui'].image).toMatch(/^temporalio\/ui:/);
  });

  it('builds each app from its own Dockerfile, which exists and runs as non-root', () => {
    for (const name of [...HERALD_APPS, 'portal']) {
      const build = services[name].build;
      expect(build.context).toBe('..');
      const dockerfile = path.join(repoRoot, build.dockerfile);
      const text = fs.readFileSync(dockerfile, 'utf8');
      expect(text, name).toMatch(/^FROM \$\{NODE_IMAGE\} AS build$/m);
      expect(text, name).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
      expect(text, name).toMatch(/^USER node$/m);
      expect(text, name).toMatch(/^HEALTHCHECK /m);
      const cmd = /^CMD \[(.*)\]$/m.exec(text)?.[1] ?? '';
      const entry = JSON.parse(`[${cmd}]`).at(-1);
      if (name !== 'portal') expect(entry).toBe(`apps/${name}/dist/main.js`);
    }
  });

  it('sets only variables the apps read in the images', () => {
    const known = configEnvNames();
    for (const name of HERALD_APPS) {
      const dockerfile = fs.readFileSync(
        path.join(repoRoot, services[name].build.dockerfile),
        'utf8',
      );
      // The runtime stage: everything after the last FROM (build stages set CI, npm settings…).
      const text = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
      const names = [...text.matchAll(/^ENV (.+(?:\\\n.+)*)$/gm)].flatMap(([, body]) =>
        [...body.matchAll(/([A-Z][A-Z0-9_]*)=/g)].map((m) => m[1]),
      );
      expect(names.length, name).toBeGreaterThan(0);
      expect(
        names.filter((n) => !known.has(n)),
        name,
      ).toEqual([]);
    }
  });

  it('gives every service others wait for a healthcheck, and starts apps after their dependencies are healthy', () => {
    for (const name of ['postgres', 'temporal', ...HERALD_APPS, 'portal']) {
      expect(services[name].healthcheck?.test, `${name} healthcheck`).toBeTruthy();
    }
    for (const name of HERALD_APPS) {
      const deps = services[name].depends_on;
      expect(deps.temporal?.condition, name).toBe('service_healthy');
      expect(deps.postgres?.condition ?? deps.api?.condition, name).toBe('service_healthy');
    }
    expect(services.api.healthcheck.test.join(' ')).toContain('/readyz');
    expect(services.worker.healthcheck.test.join(' ')).toContain(':9464/healthz');
  });

  it('hands the apps only variables that packages/config reads, including the essentials', () => {
    const known = configEnvNames();
    for (const name of HERALD_APPS) {
      const names = envNames(services[name].environment);
      const unknown = names.filter((n) => !known.has(n));
      expect(unknown, `${name} sets variables nothing reads`).toEqual([]);
      for (const required of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'HERALD_ENCRYPTION_KEY']) {
        expect(names, `${name} needs ${required}`).toContain(required);
      }
    }
    expect(envNames(services.billing.environment)).toContain('HERALD_BILLING_HOST');
    expect(envNames(services.worker.environment)).toContain('HERALD_METRICS_PORT');
  });

  it('takes secrets from the environment of `docker compose`, never from the file', () => {
    const { HERALD_ENCRYPTION_KEY: key } = services.api.environment;
    expect(key).toMatch(/^\$\{HERALD_ENCRYPTION_KEY:\?/);
    expect(services.api.environment.HERALD_OPERATOR_TOKEN).toMatch(/^\$\{HERALD_OPERATOR_TOKEN:\?/);
    expect(services.billing.environment.STRIPE_SECRET_KEY).toMatch(/^\$\{STRIPE_SECRET_KEY/);
  });
});
