/** A magic link works for 15 minutes after it is sent. */
export const MAGIC_LINK_TTL_SECONDS = 15 * 60;

/** The name of the method in `available2faMethods`. */
export const MAGIC_LINK_METHOD = 'magic-link';
