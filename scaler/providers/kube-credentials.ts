import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import * as v from "valibot";
import { parse as parseYaml } from "yaml";
import { ValidationError, validateWith } from "../../contracts/index.ts";

/** How to reach and authenticate to a Kubernetes API server. A token file is read on every call,
 * since projected service-account tokens rotate. */
export type KubeCredentials = {
  server: string;
  ca?: string;
  insecureSkipTlsVerify?: boolean;
  token?: string;
  tokenFile?: string;
  cert?: string;
  key?: string;
  namespace?: string;
  source: string;
};

/** Where credentials come from; env and the service-account folder are injectable for tests. */
export type CredentialOptions = {
  mode: "auto" | "in-cluster" | "kubeconfig";
  kubeconfig?: string;
  context?: string;
  env: Readonly<Record<string, string | undefined>>;
  serviceAccountDir?: string;
};

const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** In-cluster credentials: the pod's service-account token and CA, the API server from
 * KUBERNETES_SERVICE_HOST/PORT (as client-go's rest.InClusterConfig does). */
export async function inClusterCredentials(options: CredentialOptions): Promise<KubeCredentials> {
  const host = options.env.KUBERNETES_SERVICE_HOST;
  const port = options.env.KUBERNETES_SERVICE_PORT ?? "443";
  if (!host)
    throw new ValidationError("in-cluster Kubernetes credentials", [
      { path: "KUBERNETES_SERVICE_HOST", message: "is not set: the scaler is not running in a pod" },
    ]);
  const dir = options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  const tokenFile = path.join(dir, "token");
  await readFile(tokenFile, "utf8").catch((error: unknown) => {
    throw new ValidationError("in-cluster Kubernetes credentials", [
      {
        path: tokenFile,
        message: `cannot be read: ${error instanceof Error ? error.message : String(error)}`,
      },
    ]);
  });
  const ca = await readFile(path.join(dir, "ca.crt"), "utf8").catch(() => undefined);
  const namespace = (await readFile(path.join(dir, "namespace"), "utf8").catch(() => "")).trim();
  const server = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    server,
    tokenFile,
    source: "in-cluster service account",
    ...(ca !== undefined ? { ca } : {}),
    ...(namespace ? { namespace } : {}),
  };
}

const kubeconfigSchema = v.object({
  "current-context": v.optional(v.string("must be a string")),
  clusters: v.array(
    v.object({
      name: v.string("must be a string"),
      cluster: v.object({
        server: v.pipe(v.string("must be a string"), v.url("must be a URL")),
        "certificate-authority": v.optional(v.string("must be a string")),
        "certificate-authority-data": v.optional(v.string("must be a string")),
        "insecure-skip-tls-verify": v.optional(v.boolean("must be true or false")),
      }),
    }),
    "must be a list",
  ),
  users: v.optional(
    v.array(
      v.object({
        name: v.string("must be a string"),
        user: v.nullish(v.record(v.string(), v.unknown()), {}),
      }),
      "must be a list",
    ),
    [],
  ),
  contexts: v.array(
    v.object({
      name: v.string("must be a string"),
      context: v.object({
        cluster: v.string("must be a string"),
        user: v.optional(v.string("must be a string")),
        namespace: v.optional(v.string("must be a string")),
      }),
    }),
    "must be a list",
  ),
});

/** Credentials from a kubeconfig file (KUBECONFIG, else ~/.kube/config): the chosen context's
 * cluster and user, with a token, token file or client certificate. Exec and auth-provider
 * plugins are refused with a clear message: give the scaler a service-account token instead. */
export async function kubeconfigCredentials(options: CredentialOptions): Promise<KubeCredentials> {
  const file =
    options.kubeconfig ??
    options.env.KUBECONFIG?.split(path.delimiter).find(Boolean) ??
    path.join(options.env.HOME ?? homedir(), ".kube", "config");
  const what = `kubeconfig ${file}`;
  const text = await readFile(file, "utf8").catch((error: unknown) => {
    throw new ValidationError(what, [
      { path: "", message: `cannot be read: ${error instanceof Error ? error.message : String(error)}` },
    ]);
  });
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ValidationError(what, [
      { path: "", message: `is not valid YAML: ${error instanceof Error ? error.message : String(error)}` },
    ]);
  }
  const parsed = validateWith(kubeconfigSchema, document);
  if (!parsed.ok) throw new ValidationError(what, parsed.issues);
  const config = parsed.value;
  const contextName = options.context ?? config["current-context"];
  const context = config.contexts.find((c) => c.name === contextName);
  if (!context)
    throw new ValidationError(what, [
      {
        path: "current-context",
        message: contextName
          ? `names no context ("${contextName}")`
          : "is not set and no context was configured",
      },
    ]);
  const cluster = config.clusters.find((c) => c.name === context.context.cluster)?.cluster;
  if (!cluster)
    throw new ValidationError(what, [
      {
        path: `contexts.${context.name}.cluster`,
        message: `names no cluster ("${context.context.cluster}")`,
      },
    ]);
  const user = config.users.find((u) => u.name === context.context.user)?.user ?? {};
  const dir = path.dirname(file);
  const readPath = (p: string) => readFile(path.resolve(dir, p), "utf8");
  const decode = (b64: string) => Buffer.from(b64, "base64").toString("utf8");
  const str = (key: string) => (typeof user[key] === "string" ? user[key] : undefined);
  if (user.exec !== undefined || user["auth-provider"] !== undefined) {
    throw new ValidationError(what, [
      {
        path: `users.${context.context.user ?? ""}`,
        message:
          "uses an exec or auth-provider plugin, which the scaler does not run; give it a service-account token (token or tokenFile) or a client certificate",
      },
    ]);
  }
  const caData = cluster["certificate-authority-data"];
  const caFile = cluster["certificate-authority"];
  const certData = str("client-certificate-data");
  const certFile = str("client-certificate");
  const keyData = str("client-key-data");
  const keyFile = str("client-key");
  const token = str("token");
  const tokenFile = str("tokenFile");
  const credentials: KubeCredentials = {
    server: cluster.server.replace(/\/+$/, ""),
    source: `${what}, context ${context.name}`,
    ...(caData ? { ca: decode(caData) } : caFile ? { ca: await readPath(caFile) } : {}),
    ...(cluster["insecure-skip-tls-verify"] ? { insecureSkipTlsVerify: true } : {}),
    ...(token ? { token } : tokenFile ? { tokenFile: path.resolve(dir, tokenFile) } : {}),
    ...(certData ? { cert: decode(certData) } : certFile ? { cert: await readPath(certFile) } : {}),
    ...(keyData ? { key: decode(keyData) } : keyFile ? { key: await readPath(keyFile) } : {}),
    ...(context.context.namespace ? { namespace: context.context.namespace } : {}),
  };
  if (!credentials.token && !credentials.tokenFile && !(credentials.cert && credentials.key)) {
    throw new ValidationError(what, [
      {
        path: `users.${context.context.user ?? ""}`,
        message: "has no token, tokenFile or client certificate and key",
      },
    ]);
  }
  return credentials;
}

/** Resolves credentials as configured; `auto` prefers in-cluster when running in a pod. */
export async function resolveKubeCredentials(options: CredentialOptions): Promise<KubeCredentials> {
  if (options.mode === "in-cluster") return inClusterCredentials(options);
  if (options.mode === "kubeconfig") return kubeconfigCredentials(options);
  return options.env.KUBERNETES_SERVICE_HOST ? inClusterCredentials(options) : kubeconfigCredentials(options);
}
