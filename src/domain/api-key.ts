/** OKX runs separate sites whose API keys are not shared: a key works only on its own region's host. */
export const REGIONS = ["global", "eea", "us"] as const;
export type Region = (typeof REGIONS)[number];

/** An OKX API key as the person gave it, and where it works. */
export interface OkxCredentials {
  apiKey: string;
  secret: string;
  passphrase: string;
  /** Demo-trading keys are sent with `x-simulated-trading: 1`. */
  demo: boolean;
  region: Region;
}
