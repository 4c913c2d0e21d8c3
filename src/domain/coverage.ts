/**
 * Which stretches of an account's history are held completely. A span says: every record with
 * `from <= ts <= to` is held. Spans are kept newest first, disjoint and not touching.
 */
export interface Span {
  from: number;
  to: number;
}

/** Adds a span, merging it with those it overlaps or touches. */
export function addSpan(spans: readonly Span[], added: Span): Span[] {
  if (added.from > added.to) return [...spans];
  let merged = { ...added };
  const kept: Span[] = [];
  for (const span of spans) {
    if (span.to + 1 < merged.from || merged.to + 1 < span.from) kept.push(span);
    else merged = { from: Math.min(span.from, merged.from), to: Math.max(span.to, merged.to) };
  }
  kept.push(merged);
  return kept.sort((a, b) => b.from - a.from);
}

/**
 * The spans a walk plans from: those that reach `cutoff` (the start of OKX's year) or later. A span keeps
 * its start; below the cutoff OKX has nothing to page, so what is kept there, or missing, is no gap.
 */
export function spansFrom(spans: readonly Span[], cutoff: number): Span[] {
  return spans.filter((span) => span.to >= cutoff);
}

/** The spans once the records before `kept` are dropped: those reaching it, none claiming anything before it. */
export function keptSpans(spans: readonly Span[], kept: number): Span[] {
  return spans.filter((span) => span.to >= kept).map((span) => ({ from: Math.max(span.from, kept), to: span.to }));
}

/** The oldest time from which everything up to `at` is held; undefined when `at` itself is not held. */
export function heldBack(spans: readonly Span[], at: number): number | undefined {
  return spans.find((span) => span.from <= at && at <= span.to)?.from;
}

/**
 * One stretch to page through with `after` alone (newest first): from just below `after` (undefined: the
 * newest record) down to `stopAt`, where what is held already, or the start wanted, begins.
 */
export interface Stretch {
  kind: "top" | "gap" | "bottom";
  after: number | undefined;
  stopAt: number;
}

/**
 * What a walk pages next: the newest records when they have not been asked for since `wantedAt`, then the
 * gaps between held spans (newest first), then back to `target`; undefined when nothing is missing.
 * A span's oldest millisecond may hold only part of its records (a page can end inside an hour), so each
 * stretch below a span starts one millisecond into it and takes that hour again.
 */
export function nextStretch(spans: readonly Span[], refreshedAt: number, wantedAt: number, target: number): Stretch | undefined {
  const newest = spans[0];
  if (newest === undefined || refreshedAt < wantedAt) return { kind: "top", after: undefined, stopAt: newest?.to ?? target - 1 };
  const below = spans[1];
  if (below !== undefined) return { kind: "gap", after: newest.from + 1, stopAt: below.to };
  const oldest = spans[spans.length - 1]!;
  if (oldest.from > target) return { kind: "bottom", after: oldest.from + 1, stopAt: target - 1 };
  return undefined;
}

/**
 * The span a page proves complete. `after` (the page's cursor) is exclusive; a full page whose oldest
 * record is at `oldest` may hold only part of that millisecond's records, so the span starts just above
 * it; a page shorter than asked for holds everything below, down to where the stretch stops. The first
 * page of the newest records proves nothing above its newest record's hour, which a refresh reads again.
 */
export function pageSpan(stopAt: number, page: { after: number | undefined; oldest: number; newest: number; full: boolean; askedAt: number }): Span {
  const to = page.after === undefined ? (page.full ? page.newest - 1 : page.askedAt) : page.after - 1;
  if (!page.full) return { from: Math.min(stopAt, to), to };
  // A whole page within one millisecond cannot be paged past without losing the rest of it: OKX's limit.
  return { from: page.oldest === page.newest ? page.oldest : page.oldest + 1, to };
}
