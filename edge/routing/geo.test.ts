import { describe, expect, it } from "vitest";
import { compileTable } from "./compiled-table.ts";
import { centralAngle, locationFromCf, orderPools, parseGeoHeader, poolSequence } from "./geo.ts";

const origin = (id: string) => ({ id, url: `http://127.0.0.1:1/${id}`, weight: 1 });
const table = compileTable({
  version: 1,
  updatedAt: "2026-01-01T00:00:00Z",
  pools: [
    {
      name: "us-east",
      location: { lat: 39.04, lon: -77.49 },
      countries: ["US", "CA"],
      origins: [origin("us")],
    },
    {
      name: "eu-west",
      location: { lat: 50.11, lon: 8.68 },
      countries: ["DE", "FR"],
      fallback: "us-east",
      origins: [origin("eu")],
    },
    { name: "ap-south", location: { lat: 1.35, lon: 103.82 }, fallback: "eu-west", origins: [origin("ap")] },
  ],
});
const names = (order: Iterable<number>) => Array.from(order, (p) => table.pools[p]?.name);

describe("geo steering", () => {
  it("orders pools by great-circle distance", () => {
    expect(names(orderPools(table.pools, { lat: 35.68, lon: 139.69, country: null }))).toEqual([
      "ap-south",
      "eu-west",
      "us-east",
    ]);
    expect(names(orderPools(table.pools, { lat: 48.86, lon: 2.35, country: null }))).toEqual([
      "eu-west",
      "us-east",
      "ap-south",
    ]);
  });

  it("puts a pool that lists the client's country first, however far", () => {
    // A French client in Singapore (roaming) still prefers the pool that serves France.
    expect(names(orderPools(table.pools, { lat: 1.3, lon: 103.8, country: "FR" }))).toEqual([
      "eu-west",
      "ap-south",
      "us-east",
    ]);
  });

  it("falls back to the table's order with no location at all", () => {
    expect(names(orderPools(table.pools, { lat: null, lon: null, country: null }))).toEqual([
      "us-east",
      "eu-west",
      "ap-south",
    ]);
  });

  it("follows each pool with its fallback chain before the next nearest pool", () => {
    const tokyo = orderPools(table.pools, { lat: 35.68, lon: 139.69, country: "JP" });
    expect(names(poolSequence(table.pools, tokyo))).toEqual(["ap-south", "eu-west", "us-east"]);
    const reordered = [1, 2, 0];
    expect(names(poolSequence(table.pools, reordered))).toEqual(["eu-west", "us-east", "ap-south"]);
  });

  it("measures distance on the sphere (Paris-New York is about 5,840 km)", () => {
    expect(centralAngle(48.86, 2.35, 40.71, -74.01) * 6371).toBeGreaterThan(5_800);
    expect(centralAngle(48.86, 2.35, 40.71, -74.01) * 6371).toBeLessThan(5_880);
  });

  it("reads request.cf, where coordinates are strings", () => {
    expect(locationFromCf({ latitude: "48.86", longitude: "2.35", country: "FR" })).toEqual({
      lat: 48.86,
      lon: 2.35,
      country: "FR",
    });
    expect(locationFromCf({ latitude: "abc", longitude: "2.35", country: "XYZ" })).toEqual({
      lat: null,
      lon: null,
      country: null,
    });
    expect(locationFromCf(undefined)).toEqual({ lat: null, lon: null, country: null });
  });

  it.each([
    ["48.86,2.35,FR", { lat: 48.86, lon: 2.35, country: "FR" }],
    [" 35.6 , 139.6 ", { lat: 35.6, lon: 139.6, country: null }],
    ["91,0", null],
    ["1,2,France", null],
    ["nonsense", null],
  ])("parses the x-lb-geo header %j", (header, expected) => {
    expect(parseGeoHeader(header)).toEqual(expected);
  });
});
