// The Kubernetes manifests (deploy/kubernetes): the base and both overlays render with kustomize,
// every object validates against the Kubernetes API's schemas (kubernetes-models, a current
// release) or its CRD's, the RBAC is exactly what the scaler's Kubernetes provider requests, the
// PrometheusRule is docs/alerts.yml, and the workloads have what docs/deployment.md promises.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseOperatorFile } from "../../predictor/config/operator-file.ts";
import { parseTargetsFile } from "../../predictor/config/targets-file.ts";
import { validateScalerConfig } from "../../scaler/config/load-config.ts";
import { createProviders } from "../../scaler/providers/create-providers.ts";
import type { LoopbackServer } from "../scaler/loopback-server.ts";
import { startLoopbackServer } from "../scaler/loopback-server.ts";
import { schemaProblem } from "./support/kube-schemas.ts";
import type { KubeObject } from "./support/kustomize.ts";
import { renderKustomization } from "./support/kustomize.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DIRS = { base: "base", dev: "overlays/dev", prod: "overlays/prod" } as const;
type Variant = keyof typeof DIRS;
const rendered = {} as Record<Variant, KubeObject[]>;

beforeAll(async () => {
  for (const variant of Object.keys(DIRS) as Variant[])
    rendered[variant] = await renderKustomization(path.join(ROOT, "deploy/kubernetes", DIRS[variant]));
});

type Probe = { httpGet?: { path?: string; port?: string | number } };
type Container = {
  name: string;
  image?: string;
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
  }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
};
type PodSpec = {
  serviceAccountName?: string;
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean };
};
type Workload = KubeObject & {
  spec: {
    replicas?: number;
    strategy?: { type?: string };
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
      spec: PodSpec;
    };
  };
};

const of = (variant: Variant, kind: string) => rendered[variant].filter((o) => o.kind === kind);
const named = (variant: Variant, kind: string, name: string) => {
  const found = of(variant, kind).find(
    (o) => o.metadata.name === name || o.metadata.name.startsWith(`${name}-`),
  );
  if (!found) throw new Error(`${variant} renders no ${kind} ${name}`);
  return found;
};
const workloads = (variant: Variant) =>
  rendered[variant].filter((o): o is Workload => o.kind === "Deployment" || o.kind === "StatefulSet");
const ours = (variant: Variant) =>
  workloads(variant).filter((w) =>
    w.spec.template.spec.containers.some((c) => c.image?.includes("headroom")),
  );
const configFile = (variant: Variant, name: string, key: string): string => {
  const data = (named(variant, "ConfigMap", name) as KubeObject & { data: Record<string, string> }).data;
  const text = data[key];
  if (text === undefined) throw new Error(`ConfigMap ${name} has no ${key}`);
  return text;
};

describe.each(Object.keys(DIRS) as Variant[])("the %s manifests", (variant) => {
  it("validate against the Kubernetes API schemas and the Prometheus Operator's CRDs", () => {
    expect(rendered[variant].length).toBeGreaterThan(15);
    const problems = rendered[variant]
      .map((object) => [`${object.kind} ${object.metadata.name}`, schemaProblem(object)] as const)
      .filter(([, problem]) => problem !== null);
    expect(problems).toEqual([]);
    // Namespaced objects say where they go; nothing reaches beyond a namespace.
    for (const object of rendered[variant])
      if (object.kind !== "Namespace")
        expect(object.metadata.namespace, `${object.kind} ${object.metadata.name}`).toBeTruthy();
    expect(rendered[variant].filter((o) => o.kind.startsWith("Cluster"))).toEqual([]);
  });

  it("run the predictor's API, its workers, the scheduler exactly once and two scalers", () => {
    const byComponent = Object.fromEntries(
      ours(variant).map((w) => [w.metadata.labels?.["app.kubernetes.io/component"] ?? "", w]),
    );
    expect(Object.keys(byComponent).sort()).toEqual([
      "predictor-api",
      "predictor-scheduler",
      "predictor-worker",
      "scaler",
    ]);
    const roles = (w: Workload) => {
      const args = w.spec.template.spec.containers[0]?.args ?? [];
      return args[args.indexOf("--roles") + 1]?.split(",") ?? [];
    };
    expect(byComponent["predictor-api"] && roles(byComponent["predictor-api"])).toEqual(["api"]);
    expect(byComponent["predictor-worker"] && roles(byComponent["predictor-worker"])).toEqual(["worker"]);
    const schedulers = ours(variant).filter((w) => roles(w).includes("scheduler"));
    expect(schedulers.map((w) => [w.spec.replicas, w.spec.strategy?.type])).toEqual([[1, "Recreate"]]);
    expect(byComponent.scaler?.spec.replicas).toBe(2);
    expect(byComponent.scaler?.spec.template.spec.containers[0]?.args?.[0]).toBe("dist/scaler/main.js");
    expect(named(variant, "Service", "headroom-predictor")).toBeDefined();
  });

  it("probe /healthz, set requests and limits, and run non-root on a read-only root", () => {
    for (const workload of workloads(variant)) {
      expect(workload.spec.template.spec.securityContext?.runAsNonRoot, workload.metadata.name).toBe(true);
      for (const container of workload.spec.template.spec.containers) {
        const where = `${workload.metadata.name}/${container.name}`;
        for (const resource of ["cpu", "memory"]) {
          expect(container.resources?.requests?.[resource], where).toBeTruthy();
          expect(container.resources?.limits?.[resource], where).toBeTruthy();
        }
        expect(container.securityContext, where).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
        });
        if (!container.image?.includes("headroom")) continue;
        const ports = (container.ports ?? []).map((p) => p.name);
        for (const probe of [container.livenessProbe, container.readinessProbe]) {
          expect(probe?.httpGet?.path, where).toBe("/healthz");
          expect(ports, where).toContain(probe?.httpGet?.port);
        }
      }
    }
  });

  it("keep every disruption budget and scrape target pointed at something that exists", () => {
    type Selecting = KubeObject & { spec: { selector: { matchLabels: Record<string, string> } } };
    const selects = (selector: Record<string, string>, labels: Record<string, string> | undefined) =>
      Object.entries(selector).every(([key, value]) => labels?.[key] === value);
    for (const budget of of(variant, "PodDisruptionBudget") as Selecting[])
      expect(
        workloads(variant).filter((w) =>
          selects(budget.spec.selector.matchLabels, w.spec.template.metadata.labels),
        ),
        budget.metadata.name,
      ).toHaveLength(1);
    const monitor = named(variant, "ServiceMonitor", "headroom") as Selecting & {
      spec: { endpoints: { port: string }[] };
    };
    type Svc = KubeObject & { spec: { ports: { name: string }[] } };
    const scraped = (of(variant, "Service") as Svc[]).filter((s) =>
      selects(monitor.spec.selector.matchLabels, s.metadata.labels),
    );
    expect(scraped.map((s) => s.metadata.name).sort()).toEqual(["headroom-predictor", "headroom-scaler"]);
    for (const service of scraped)
      expect(
        monitor.spec.endpoints.map((e) => e.port),
        service.metadata.name,
      ).toEqual(expect.arrayContaining([service.spec.ports[0]?.name]));
    for (const component of ["predictor-api", "scaler"]) {
      const pod = ours(variant).find((w) => w.metadata.labels?.["app.kubernetes.io/component"] === component);
      expect(pod?.spec.template.metadata.annotations?.["prometheus.io/scrape"], component).toBe("true");
    }
  });

  it("carry configuration files the services accept", () => {
    expect(parseOperatorFile(configFile(variant, "headroom-slos", "slos.yaml")).ok).toBe(true);
    expect(parseTargetsFile(configFile(variant, "headroom-targets", "targets.yaml")).ok).toBe(true);
    const scaler = validateScalerConfig(parse(configFile(variant, "headroom-scaler-config", "scaler.yaml")), {
      LB_ADMIN_TOKEN: "a-token-from-the-secret",
    });
    expect(scaler.ok || scaler.issues).toBe(true);
  });

  it("carry docs/alerts.yml as a PrometheusRule, rule for rule", async () => {
    const alerts = parse(await readFile(path.join(ROOT, "docs/alerts.yml"), "utf8")) as { groups: unknown };
    const rule = named(variant, "PrometheusRule", "headroom") as KubeObject & { spec: { groups: unknown } };
    expect(rule.spec.groups, "run npx tsx infra/tools/prometheus-rule.ts").toEqual(alerts.groups);
  });
});

describe("secrets and Redis", () => {
  it("keeps production tokens out of the manifests; the dev overlay's Secret holds every key the pods need", () => {
    expect(of("prod", "Secret")).toEqual([]);
    expect(of("base", "Secret")).toEqual([]);
    const secret = named("dev", "Secret", "headroom-tokens") as KubeObject & { data: Record<string, string> };
    for (const workload of ours("dev"))
      for (const container of workload.spec.template.spec.containers)
        for (const variable of container.env ?? []) {
          const ref = variable.valueFrom?.secretKeyRef;
          if (!ref) continue;
          expect(ref.name, variable.name).toBe(secret.metadata.name);
          if (ref.optional !== true)
            expect(Object.keys(secret.data), `${workload.metadata.name} ${variable.name}`).toContain(ref.key);
        }
  });

  it("gives the predictor the edge's URL and token together, or neither (it refuses one alone)", () => {
    const secret = named("dev", "Secret", "headroom-tokens") as KubeObject & { data: Record<string, string> };
    for (const workload of ours("dev"))
      for (const container of workload.spec.template.spec.containers) {
        const present = (name: string) => {
          const ref = container.env?.find((v) => v.name === name)?.valueFrom?.secretKeyRef;
          return ref !== undefined && ref.key in secret.data;
        };
        expect(present("PREDICTOR_EDGE_URL"), workload.metadata.name).toBe(present("PREDICTOR_EDGE_TOKEN"));
      }
  });

  it("gives the dev overlay a Redis that never evicts and persists what it holds; production brings its own", () => {
    const conf = configFile("dev", "headroom-redis-config", "redis.conf");
    expect(conf).toMatch(/^maxmemory-policy noeviction$/m);
    expect(conf).toMatch(/^appendonly yes$/m);
    expect(of("dev", "StatefulSet").map((s) => s.metadata.name)).toEqual(["headroom-redis"]);
    expect(of("prod", "StatefulSet")).toEqual([]);
  });
});

describe("the scaler's RBAC", () => {
  let api: LoopbackServer;
  let dir: string;
  beforeAll(async () => {
    const pem = (name: string) => readFile(path.join(ROOT, "test/scaler/fixtures", name), "utf8");
    api = await startLoopbackServer(() => ({ status: 200, body: { kind: "Scale", spec: { replicas: 3 } } }), {
      cert: await pem("server.crt"),
      key: await pem("server.key"),
    });
    dir = await mkdtemp(path.join(tmpdir(), "headroom-sa-"));
    await writeFile(path.join(dir, "token"), "token");
    await writeFile(path.join(dir, "ca.crt"), await pem("ca.crt"));
  });
  afterAll(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The rules the provider's requests need, by namespace: each request's method and path read as
   * a Kubernetes API verb on a resource (as the API server's authorizer reads them). */
  async function derivedRules(variant: Variant): Promise<Record<string, unknown[]>> {
    const scaler = validateScalerConfig(parse(configFile(variant, "headroom-scaler-config", "scaler.yaml")), {
      LB_ADMIN_TOKEN: "a-token-from-the-secret",
    });
    if (!scaler.ok) throw new Error(JSON.stringify(scaler.issues));
    const env = { KUBERNETES_SERVICE_HOST: "127.0.0.1", KUBERNETES_SERVICE_PORT: new URL(api.url).port };
    const providers = await createProviders(scaler.value, env, () => 0, dir);
    api.requests.length = 0;
    for (const [origin, scaling] of Object.entries(scaler.value.origins))
      if (scaling.provider.kind === "kubernetes")
        await providers.forOrigin(origin, "http://unused")?.scale({
          origin,
          pool: "p",
          current: 2,
          desired: 3,
          reason: "derive RBAC",
          decisionId: `rbac-${origin}`,
        });
    expect(api.requests.length).toBeGreaterThan(0);
    const verbs: Record<string, string> = {
      GET: "get",
      PATCH: "patch",
      PUT: "update",
      POST: "create",
      DELETE: "delete",
    };
    const grouped = new Map<
      string,
      { apiGroup: string; resource: string; verb: string; names: Set<string> }
    >();
    for (const request of api.requests) {
      const match = /^\/apis\/([^/]+)\/[^/]+\/namespaces\/([^/]+)\/([^/]+)\/([^/]+)(?:\/([^/?]+))?$/.exec(
        request.path,
      );
      if (!match) throw new Error(`not a namespaced API path: ${request.method} ${request.path}`);
      const [, apiGroup = "", namespace = "", resource = "", name = "", sub] = match;
      const verb = verbs[request.method];
      if (!verb) throw new Error(`no verb for ${request.method}`);
      const full = sub ? `${resource}/${sub}` : resource;
      const key = `${namespace}|${apiGroup}|${full}|${verb}`;
      const entry = grouped.get(key) ?? { apiGroup, resource: full, verb, names: new Set<string>() };
      entry.names.add(name);
      grouped.set(key, entry);
    }
    const rules: Record<string, unknown[]> = {};
    for (const [key, entry] of grouped)
      (rules[key.split("|")[0] ?? ""] ??= []).push({
        apiGroups: [entry.apiGroup],
        resources: [entry.resource],
        resourceNames: [...entry.names].sort(),
        verbs: [entry.verb],
      });
    return rules;
  }

  it.each(Object.keys(DIRS) as Variant[])(
    "%s: grants the scaler's service account exactly what its Kubernetes provider requests, where it requests it",
    async (variant) => {
      const scaler = ours(variant).find(
        (w) => w.metadata.labels?.["app.kubernetes.io/component"] === "scaler",
      );
      const account = {
        name: scaler?.spec.template.spec.serviceAccountName,
        namespace: scaler?.metadata.namespace,
      };
      type Binding = KubeObject & {
        roleRef: { kind: string; name: string };
        subjects: { kind: string; name: string; namespace: string }[];
      };
      type RoleObject = KubeObject & { rules: { resourceNames?: string[] }[] };
      const granted: Record<string, unknown[]> = {};
      for (const binding of of(variant, "RoleBinding") as Binding[]) {
        if (
          !binding.subjects.some(
            (s) =>
              s.kind === "ServiceAccount" && s.name === account.name && s.namespace === account.namespace,
          )
        )
          continue;
        const role = (of(variant, "Role") as RoleObject[]).find(
          (r) =>
            r.metadata.name === binding.roleRef.name && r.metadata.namespace === binding.metadata.namespace,
        );
        expect(role, `${binding.metadata.namespace}/${binding.roleRef.name}`).toBeDefined();
        granted[binding.metadata.namespace ?? ""] = (role?.rules ?? []).map((rule) => ({
          ...rule,
          ...(rule.resourceNames ? { resourceNames: [...rule.resourceNames].sort() } : {}),
        }));
      }
      expect(granted).toEqual(await derivedRules(variant));
      // The predictor calls no Kubernetes API: no token is mounted in its pods.
      for (const workload of ours(variant))
        if (workload !== scaler)
          expect(
            (workload.spec.template.spec as { automountServiceAccountToken?: boolean })
              .automountServiceAccountToken,
          ).toBe(false);
    },
  );
});
