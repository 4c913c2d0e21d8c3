import { REGIONS, type Region } from "../domain/api-key.js";

export type RegionUrls = Readonly<Record<Region, string>>;

export const DEFAULT_REGION_URLS: RegionUrls = {
  global: "https://www.okx.com",
  eea: "https://eea.okx.com",
  us: "https://us.okx.com",
};

export const REGION_NAMES: Readonly<Record<Region, string>> = {
  global: "OKX (global, www.okx.com)",
  eea: "OKX EEA (eea.okx.com)",
  us: "OKX US (us.okx.com)",
};

/** The given region first, then the others in their usual order. */
export function regionsToTry(first: Region): Region[] {
  return [first, ...REGIONS.filter((region) => region !== first)];
}
