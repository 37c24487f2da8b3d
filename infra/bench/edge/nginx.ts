import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/** What an NGINX child serves: a small static body (the benchmark's origin), or a reverse proxy
 * to an upstream with `least_conn` and keep-alive connections (what users run instead of ours). */
export type NginxRole =
  { kind: "origin"; body: string } | { kind: "proxy"; upstream: string; keepalive: number };

export type NginxChild = { url: string; pid: number; stop: () => Promise<void> };

/** The configuration file for one role, listening on 127.0.0.1:`port`, with every file under
 * `dir` (no system paths: it runs as the current user, never as a service). */
export function nginxConfig(role: NginxRole, port: number, dir: string): string {
  const server =
    role.kind === "origin"
      ? `location / { default_type text/plain; return 200 ${JSON.stringify(role.body)}; }`
      : [
          "location / {",
          "  proxy_pass http://backend;",
          "  proxy_http_version 1.1;",
          '  proxy_set_header Connection "";',
          "  proxy_set_header Host $proxy_host;",
          "  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
          "  proxy_set_header X-Forwarded-Proto $scheme;",
          "  proxy_set_header X-Forwarded-Host $host;",
          "}",
        ].join("\n      ");
  const upstream =
    role.kind === "proxy"
      ? `upstream backend { least_conn; server ${role.upstream}; keepalive ${role.keepalive}; }`
      : "";
  return `worker_processes 1;
daemon off;
pid ${path.join(dir, "nginx.pid")};
error_log ${path.join(dir, "error.log")} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${path.join(dir, "body")};
  proxy_temp_path ${path.join(dir, "proxy")};
  fastcgi_temp_path ${path.join(dir, "fastcgi")};
  uwsgi_temp_path ${path.join(dir, "uwsgi")};
  scgi_temp_path ${path.join(dir, "scgi")};
  keepalive_requests 1000000;
  ${upstream}
  server {
    listen 127.0.0.1:${port};
    ${server}
  }
}
`;
}

/** Resolves once something accepts TCP connections on loopback `port`, polling for at most
 * `timeoutMs` (the child has no readiness signal of its own). */
export async function waitForPort(port: number, child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`the child exited with code ${child.exitCode} before listening on ${port}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => {
        resolve(false);
      });
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/** Starts Debian's nginx as a child process with a generated configuration in a temp dir. */
export async function startNginx(role: NginxRole, port: number): Promise<NginxChild> {
  const dir = await mkdtemp(path.join(tmpdir(), "headroom-nginx-"));
  const config = path.join(dir, "nginx.conf");
  await writeFile(config, nginxConfig(role, port, dir));
  const child = spawn("nginx", ["-p", dir, "-c", config, "-e", path.join(dir, "error.log")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => {
      resolve();
    });
  });
  const spawned = await new Promise<Error | null>((resolve) => {
    child.once("spawn", () => {
      resolve(null);
    });
    child.once("error", (error) => {
      resolve(error);
    });
  });
  if (spawned || child.pid === undefined)
    throw new Error(`nginx did not start (is Debian's nginx installed?): ${spawned?.message ?? "no pid"}`);
  const pid = child.pid;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, child);
  } catch (error) {
    await stop();
    throw new Error(
      `nginx (${role.kind}) did not come up: ${error instanceof Error ? error.message : String(error)} ${stderr.trim()}`,
      { cause: error },
    );
  }
  return { url: `http://127.0.0.1:${port}`, pid, stop };
}
