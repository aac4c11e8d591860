import type { ModelPrice, PriceOverrides, Usage } from '@boocode/contracts';
import { BUNDLED_PRICES } from './price-table.js';

/** What a request or turn cost, and what its cached tokens saved; null when the model has no price. */
export interface Priced {
  cost: number;
  saved: number;
}

/** Prices by model id: config.json's `prices` over the bundled table. */
export class PriceBook {
  private readonly table: Record<string, ModelPrice>;

  constructor(overrides: PriceOverrides = {}) {
    const own = Object.fromEntries(Object.entries(overrides).map(([k, v]) => [k.toLowerCase(), v]));
    this.table = { ...BUNDLED_PRICES, ...own };
  }

  /**
   * The exact id first, then the longest key the id starts with followed by `-` (a dated or
   * variant id of a priced model), with any `provider/` prefix dropped.
   */
  priceOf(model: string | null): ModelPrice | null {
    if (!model) return null;
    const full = model.toLowerCase();
    const id = full.split('/').pop() ?? full;
    const exact = this.table[full] ?? this.table[id];
    if (exact) return exact;
    let best: string | null = null;
    for (const key of Object.keys(this.table)) {
      if (id.startsWith(`${key}-`) && (best === null || key.length > best.length)) best = key;
    }
    return best === null ? null : this.table[best]!;
  }

  /** Reasoning tokens are part of the output count; they are priced apart only when the model says so. */
  price(model: string | null, u: Usage): Priced | null {
    const p = this.priceOf(model);
    if (!p) return null;
    const cached = p.cached_input ?? p.input;
    const reasoning = p.reasoning ?? p.output;
    const cost =
      u.no_cache * p.input +
      u.cache_read * cached +
      u.cache_write * (p.cache_write ?? p.input) +
      (u.output - Math.min(u.reasoning, u.output)) * p.output +
      Math.min(u.reasoning, u.output) * reasoning;
    return { cost: cost / 1e6, saved: (u.cache_read * (p.input - cached)) / 1e6 };
  }
}
