/**
 * The Content-Security-Policy of the vault's iframe pages. Nothing is allowed by default; each
 * page runs only its own static script, pinned by hash, and may be framed only by the agency's
 * registered origins. Only the coordinator may reach the network, and only the vault itself.
 */
export interface FramePagePolicy {
  /** CSP source of the page's one script: `'sha256-…'`. */
  readonly scriptSource: string;
  /** True for the field pages, which load the vault's own stylesheet. */
  readonly styles: boolean;
  /** True for the coordinator, the one frame that asks the vault for tokens. */
  readonly connect: boolean;
  /** Registered origins of the agency; empty forbids every parent. */
  readonly ancestors: readonly string[];
}

/** For a refused page: nothing may run and nobody may frame it. */
export const refusedFramePolicy = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

// An origin that reached the policy unchecked could add directives of its own.
const originPattern = /^https?:\/\/[A-Za-z0-9.[\]:-]+$/;

export function framePagePolicy(policy: FramePagePolicy): string {
  for (const origin of policy.ancestors) {
    if (!originPattern.test(origin)) throw new Error(`not an origin: ${JSON.stringify(origin)}`);
  }
  if (!/^'sha(256|384|512)-[A-Za-z0-9+/]+=*'$/.test(policy.scriptSource)) throw new Error("the script source must be a hash");
  return [
    "default-src 'none'",
    `script-src ${policy.scriptSource}`,
    ...(policy.styles ? ["style-src 'self'"] : []),
    ...(policy.connect ? ["connect-src 'self'"] : []),
    "base-uri 'none'",
    "form-action 'none'",
    "require-trusted-types-for 'script'",
    `frame-ancestors ${policy.ancestors.length > 0 ? policy.ancestors.join(" ") : "'none'"}`,
  ].join("; ");
}
