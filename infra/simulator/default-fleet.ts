import type { FleetSpecInput } from "./fleet-spec.ts";

/**
 * The local stack's fleet: four pools at real cloud regions, two origins each. Fallbacks follow
 * the shortest great-circle hop (Singapore to Frankfurt is ~10,300 km, to Ashburn ~15,500 km).
 * Each origin starts at 2 x 20 rps and may grow to 10 replicas after a 15 s boot.
 */
export const DEFAULT_FLEET: FleetSpecInput = {
  pools: [
    {
      name: "eu-west",
      city: "Frankfurt",
      location: { lat: 50.11, lon: 8.68 },
      countries: ["DE", "FR", "GB", "NL", "ES", "IT", "SE", "PL"],
      fallback: "us-east",
      origins: [{ id: "eu-west-1" }, { id: "eu-west-2" }],
    },
    {
      name: "us-east",
      city: "Ashburn",
      location: { lat: 39.04, lon: -77.49 },
      countries: ["US", "CA", "MX"],
      fallback: "eu-west",
      origins: [{ id: "us-east-1" }, { id: "us-east-2" }],
    },
    {
      name: "ap-southeast",
      city: "Singapore",
      location: { lat: 1.35, lon: 103.82 },
      countries: ["SG", "MY", "ID", "IN", "JP", "KR", "AU"],
      fallback: "eu-west",
      origins: [{ id: "ap-southeast-1" }, { id: "ap-southeast-2" }],
    },
    {
      name: "sa-east",
      city: "São Paulo",
      location: { lat: -23.55, lon: -46.63 },
      countries: ["BR", "AR", "CL", "CO"],
      fallback: "us-east",
      origins: [{ id: "sa-east-1" }, { id: "sa-east-2" }],
    },
  ],
};
