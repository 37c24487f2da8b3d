import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { LoopbackServer, RecordedRequest } from "../../test/scaler/loopback-server.ts";
import { startLoopbackServer } from "../../test/scaler/loopback-server.ts";
import { ValidationError } from "../../contracts/index.ts";
import { RemoteCallError } from "../http/http-errors.ts";
import { resolveKubeCredentials } from "./kube-credentials.ts";
import { kubernetesProvider } from "./kubernetes-provider.ts";

const fixtures = path.resolve(import.meta.dirname, "../../test/scaler/fixtures");
const pem = async (name: string) => readFile(path.join(fixtures, name), "utf8");
const b64 = (text: string) => Buffer.from(text).toString("base64");
const SCALE_PATH = "/apis/apps/v1/namespaces/shop/deployments/web/scale";
const request = {
  origin: "eu-1",
  pool: "eu-west",
  current: 4,
  desired: 6,
  reason: "test",
  decisionId: "1-eu-west-scale-out-eu-1",
};

/** A fake API server that accepts only a correct scale patch from an authenticated client. */
function kubeApi(accept: (r: RecordedRequest) => boolean) {
  return (r: RecordedRequest) => {
    if (!accept(r))
      return { status: 401, body: { kind: "Status", status: "Failure", message: "Unauthorized", code: 401 } };
    if (r.method !== "PATCH" || r.path !== SCALE_PATH)
      return { status: 404, body: { kind: "Status", message: `no route ${r.method} ${r.path}`, code: 404 } };
    if (r.headers["content-type"] !== "application/merge-patch+json")
      return { status: 415, body: { kind: "Status", message: "unsupported media type", code: 415 } };
    const body = JSON.parse(r.body) as { spec?: { replicas?: number } };
    if (Object.keys(body).join() !== "spec" || typeof body.spec?.replicas !== "number")
      return { status: 422, body: { kind: "Status", message: "invalid patch", code: 422 } };
    return {
      status: 200,
      body: {
        kind: "Scale",
        apiVersion: "autoscaling/v1",
        metadata: { name: "web", namespace: "shop" },
        spec: { replicas: body.spec.replicas },
        status: { replicas: 4 },
      },
    };
  };
}

let server: LoopbackServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  server = undefined;
  dir = undefined;
});

async function kubeconfig(
  user: Record<string, string>,
  extra: Record<string, unknown> = {},
): Promise<string> {
  dir = await mkdtemp(path.join(tmpdir(), "kubeconfig-"));
  const file = path.join(dir, "config");
  const doc = {
    apiVersion: "v1",
    kind: "Config",
    "current-context": "prod",
    clusters: [
      {
        name: "c",
        cluster: { server: server?.url, "certificate-authority-data": b64(await pem("ca.crt")), ...extra },
      },
    ],
    users: [{ name: "u", user }],
    contexts: [{ name: "prod", context: { cluster: "c", user: "u", namespace: "shop" } }],
  };
  await writeFile(file, JSON.stringify(doc));
  return file;
}

describe("Kubernetes provider", () => {
  it("patches the Deployment's scale subresource with a bearer token from a kubeconfig, over TLS with the cluster's CA", async () => {
    server = await startLoopbackServer(
      kubeApi((r) => r.headers.authorization === "Bearer kube-token"),
      { cert: await pem("server.crt"), key: await pem("server.key") },
    );
    const credentials = await resolveKubeCredentials({
      mode: "kubeconfig",
      kubeconfig: await kubeconfig({ token: "kube-token" }),
      env: {},
    });
    const result = await kubernetesProvider({ namespace: "shop", deployment: "web", credentials }).scale(
      request,
    );
    expect(result).toEqual({ replicas: 6 });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.body).toBe('{"spec":{"replicas":6}}');
  });

  it("authenticates with the kubeconfig's client certificate", async () => {
    server = await startLoopbackServer(
      kubeApi((r) => r.clientCertSubject === "headroom-scaler"),
      {
        cert: await pem("server.crt"),
        key: await pem("server.key"),
        ca: await pem("ca.crt"),
        requestCert: true,
      },
    );
    const credentials = await resolveKubeCredentials({
      mode: "kubeconfig",
      kubeconfig: await kubeconfig({
        "client-certificate-data": b64(await pem("client.crt")),
        "client-key-data": b64(await pem("client.key")),
      }),
      env: {},
    });
    await expect(
      kubernetesProvider({ namespace: "shop", deployment: "web", credentials }).scale(request),
    ).resolves.toEqual({ replicas: 6 });
  });

  it("runs in-cluster with the pod's service account, re-reading the rotating token on every call", async () => {
    server = await startLoopbackServer(
      kubeApi(
        (r) => r.headers.authorization === "Bearer first" || r.headers.authorization === "Bearer second",
      ),
      { cert: await pem("server.crt"), key: await pem("server.key") },
    );
    dir = await mkdtemp(path.join(tmpdir(), "serviceaccount-"));
    await writeFile(path.join(dir, "token"), "first\n");
    await writeFile(path.join(dir, "ca.crt"), await pem("ca.crt"));
    await writeFile(path.join(dir, "namespace"), "shop");
    const port = new URL(server.url).port;
    const credentials = await resolveKubeCredentials({
      mode: "auto",
      env: { KUBERNETES_SERVICE_HOST: "127.0.0.1", KUBERNETES_SERVICE_PORT: port },
      serviceAccountDir: dir,
    });
    expect(credentials.namespace).toBe("shop");
    const provider = kubernetesProvider({ namespace: "shop", deployment: "web", credentials });
    await provider.scale(request);
    await writeFile(path.join(dir, "token"), "second\n");
    await provider.scale({ ...request, desired: 7 });
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(["Bearer first", "Bearer second"]);
  });

  it("reports a refused call (RBAC) as final and a server error as worth retrying", async () => {
    let status = 403;
    server = await startLoopbackServer(
      () => ({
        status,
        body: {
          kind: "Status",
          message:
            'deployments.apps "web" is forbidden: User "system:serviceaccount:lb:scaler" cannot patch resource "deployments/scale"',
          code: status,
        },
      }),
      { cert: await pem("server.crt"), key: await pem("server.key") },
    );
    const credentials = await resolveKubeCredentials({
      mode: "kubeconfig",
      kubeconfig: await kubeconfig({ token: "t" }),
      env: {},
    });
    const provider = kubernetesProvider({ namespace: "shop", deployment: "web", credentials });
    const forbidden = await provider.scale(request).catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(RemoteCallError);
    expect((forbidden as RemoteCallError).retryable).toBe(false);
    expect((forbidden as RemoteCallError).message).toContain('cannot patch resource "deployments/scale"');
    status = 503;
    const unavailable = await provider.scale(request).catch((e: unknown) => e);
    expect((unavailable as RemoteCallError).retryable).toBe(true);
  });

  it("refuses a server whose certificate the configured CA did not sign, without retrying", async () => {
    server = await startLoopbackServer(
      kubeApi(() => true),
      { cert: await pem("server.crt"), key: await pem("server.key") },
    );
    const credentials = await resolveKubeCredentials({
      mode: "kubeconfig",
      kubeconfig: await kubeconfig({ token: "t" }),
      env: {},
    });
    const error = await kubernetesProvider({
      namespace: "shop",
      deployment: "web",
      credentials: { ...credentials, ca: await pem("client.crt") },
    })
      .scale(request)
      .catch((e: unknown) => e);
    expect((error as RemoteCallError).retryable).toBe(false);
    expect((error as RemoteCallError).message).toMatch(/certificate/);
    expect(server.requests).toHaveLength(0);
  });

  it("explains kubeconfigs it cannot use: exec plugins, unknown contexts, missing credentials", async () => {
    server = await startLoopbackServer(() => ({ status: 200 }));
    const exec = await resolveKubeCredentials({
      mode: "kubeconfig",
      kubeconfig: await kubeconfig({ exec: "aws" }),
      env: {},
    }).catch((e: unknown) => e);
    expect(exec).toBeInstanceOf(ValidationError);
    expect((exec as ValidationError).message).toMatch(/exec or auth-provider plugin/);
    const file = await kubeconfig({ token: "t" });
    await expect(
      resolveKubeCredentials({ mode: "kubeconfig", kubeconfig: file, context: "staging", env: {} }),
    ).rejects.toThrow(/names no context \("staging"\)/);
    await expect(resolveKubeCredentials({ mode: "in-cluster", env: {} })).rejects.toThrow(
      /KUBERNETES_SERVICE_HOST: is not set/,
    );
    await expect(
      resolveKubeCredentials({
        mode: "kubeconfig",
        kubeconfig: path.join(tmpdir(), "no-such-kubeconfig"),
        env: {},
      }),
    ).rejects.toThrow(/cannot be read/);
  });
});
