/** A place clients come from: a real city, its country (ISO-3166 alpha-2), its standard UTC
 * offset (no daylight saving: the mix needs the rough local hour, not the civil one) and its
 * relative share of the traffic. */
export type City = {
  name: string;
  country: string;
  lat: number;
  lon: number;
  utcOffsetHours: number;
  weight: number;
};

/** Clients over every inhabited continent, weighted roughly by online population: about 30 %
 * North America, 10 % South America, 28 % Europe, 5 % Africa, 27 % Asia-Pacific. */
export const WORLD_CITIES: readonly City[] = [
  { name: "New York", country: "US", lat: 40.71, lon: -74.01, utcOffsetHours: -5, weight: 8 },
  { name: "Chicago", country: "US", lat: 41.88, lon: -87.63, utcOffsetHours: -6, weight: 4 },
  { name: "Dallas", country: "US", lat: 32.78, lon: -96.8, utcOffsetHours: -6, weight: 3 },
  { name: "Los Angeles", country: "US", lat: 34.05, lon: -118.24, utcOffsetHours: -8, weight: 6 },
  { name: "Toronto", country: "CA", lat: 43.65, lon: -79.38, utcOffsetHours: -5, weight: 3 },
  { name: "Mexico City", country: "MX", lat: 19.43, lon: -99.13, utcOffsetHours: -6, weight: 4 },
  { name: "São Paulo", country: "BR", lat: -23.55, lon: -46.63, utcOffsetHours: -3, weight: 5 },
  { name: "Buenos Aires", country: "AR", lat: -34.6, lon: -58.38, utcOffsetHours: -3, weight: 2 },
  { name: "Bogotá", country: "CO", lat: 4.71, lon: -74.07, utcOffsetHours: -5, weight: 2 },
  { name: "Santiago", country: "CL", lat: -33.45, lon: -70.67, utcOffsetHours: -4, weight: 1 },
  { name: "London", country: "GB", lat: 51.51, lon: -0.13, utcOffsetHours: 0, weight: 6 },
  { name: "Paris", country: "FR", lat: 48.86, lon: 2.35, utcOffsetHours: 1, weight: 5 },
  { name: "Berlin", country: "DE", lat: 52.52, lon: 13.4, utcOffsetHours: 1, weight: 5 },
  { name: "Madrid", country: "ES", lat: 40.42, lon: -3.7, utcOffsetHours: 1, weight: 3 },
  { name: "Milan", country: "IT", lat: 45.46, lon: 9.19, utcOffsetHours: 1, weight: 3 },
  { name: "Amsterdam", country: "NL", lat: 52.37, lon: 4.9, utcOffsetHours: 1, weight: 2 },
  { name: "Stockholm", country: "SE", lat: 59.33, lon: 18.07, utcOffsetHours: 1, weight: 1 },
  { name: "Warsaw", country: "PL", lat: 52.23, lon: 21.01, utcOffsetHours: 1, weight: 2 },
  { name: "Istanbul", country: "TR", lat: 41.01, lon: 28.98, utcOffsetHours: 3, weight: 2 },
  { name: "Lagos", country: "NG", lat: 6.52, lon: 3.38, utcOffsetHours: 1, weight: 2 },
  { name: "Cairo", country: "EG", lat: 30.04, lon: 31.24, utcOffsetHours: 2, weight: 1 },
  { name: "Johannesburg", country: "ZA", lat: -26.2, lon: 28.05, utcOffsetHours: 2, weight: 1 },
  { name: "Nairobi", country: "KE", lat: -1.29, lon: 36.82, utcOffsetHours: 3, weight: 1 },
  { name: "Mumbai", country: "IN", lat: 19.08, lon: 72.88, utcOffsetHours: 5.5, weight: 5 },
  { name: "Bangkok", country: "TH", lat: 13.76, lon: 100.5, utcOffsetHours: 7, weight: 2 },
  { name: "Jakarta", country: "ID", lat: -6.21, lon: 106.85, utcOffsetHours: 7, weight: 4 },
  { name: "Singapore", country: "SG", lat: 1.35, lon: 103.82, utcOffsetHours: 8, weight: 2 },
  { name: "Manila", country: "PH", lat: 14.6, lon: 120.98, utcOffsetHours: 8, weight: 2 },
  { name: "Seoul", country: "KR", lat: 37.57, lon: 126.98, utcOffsetHours: 9, weight: 3 },
  { name: "Tokyo", country: "JP", lat: 35.68, lon: 139.69, utcOffsetHours: 9, weight: 5 },
  { name: "Sydney", country: "AU", lat: -33.87, lon: 151.21, utcOffsetHours: 10, weight: 2 },
];

/** The `x-lb-geo` header value the Worker reads in local runs: `<lat>,<lon>,<country>`. */
export function geoHeader(city: City): string {
  return `${city.lat},${city.lon},${city.country}`;
}
