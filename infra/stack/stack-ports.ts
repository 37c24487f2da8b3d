import { assertPortsFree, freePort, freePortPair } from "./ports.ts";
import type { PortClaim } from "./ports.ts";
import type { StackSettings } from "./stack-options.ts";

/** The ports the stack's HTTP servers listen on (0 in the settings: a free one picked here). */
export type StackPorts = { edge: number; predictor: number; scaler: number };

/**
 * Picks the ports the settings leave open and checks that every port the stack will listen on
 * is free, naming the setting of each taken one, before anything starts.
 */
export async function claimStackPorts(settings: StackSettings, host: string): Promise<StackPorts> {
  const wranglerDev = settings.edgeRuntime === "wrangler-dev";
  const ports: StackPorts = {
    edge:
      settings.edgePort !== 0
        ? settings.edgePort
        : wranglerDev
          ? await freePortPair(host, 10_000)
          : await freePort(host),
    predictor: settings.predictorPort === 0 ? await freePort(host) : settings.predictorPort,
    scaler: settings.scalerPort === 0 ? await freePort(host) : settings.scalerPort,
  };
  await assertPortsFree(portClaims(settings, ports), host);
  return ports;
}

/** Every port the stack will listen on, with what listens there and the setting that moves it. */
function portClaims(settings: StackSettings, ports: StackPorts): PortClaim[] {
  const wranglerDev = settings.edgeRuntime === "wrangler-dev";
  const edgeSetting = "--edge-port / HEADROOM_EDGE_PORT";
  const claims: PortClaim[] = [
    { port: ports.edge, what: "the Worker", setting: edgeSetting },
    {
      port: ports.predictor,
      what: "the predictor's API and dashboard",
      setting: "--predictor-port / HEADROOM_PREDICTOR_PORT",
    },
    {
      port: ports.scaler,
      what: "the scaler's metrics and health",
      setting: "--scaler-port / HEADROOM_SCALER_PORT",
    },
  ];
  if (wranglerDev)
    claims.splice(1, 0, {
      port: ports.edge + 10_000,
      what: "wrangler dev's inspector, at the Worker's port + 10000",
      setting: edgeSetting,
    });
  if (settings.edgeInspectorPort !== undefined && !wranglerDev)
    claims.push({
      port: settings.edgeInspectorPort,
      what: "the Worker's V8 inspector",
      setting: "--edge-inspector-port / HEADROOM_EDGE_INSPECTOR_PORT",
    });
  if (settings.fleet.basePort !== 0)
    settings.origins.forEach((origin, i) =>
      claims.push({
        port: settings.fleet.basePort + i,
        what: `origin ${origin.id}`,
        setting: "--origin-base-port / HEADROOM_ORIGIN_BASE_PORT",
      }),
    );
  return claims;
}
