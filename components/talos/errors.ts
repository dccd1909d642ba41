/**
 * Raised when Talos machine configuration cannot be generated from the given inputs
 * (a malformed secrets bundle, a patch that does not fit the documents, a VIP without a
 * link). The message says what is wrong and where.
 */
export class TalosConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TalosConfigError";
  }
}
