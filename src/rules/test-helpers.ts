import { RemitError } from "../platform/index.ts";

/** For assert.throws: the error is a RemitError with this code (and, when given, this param). */
export function remitError(code: string, param?: string) {
  return (error: unknown) => error instanceof RemitError && error.code === code && (param === undefined || error.param === param);
}
